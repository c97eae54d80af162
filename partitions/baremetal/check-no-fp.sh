#!/bin/sh
# check-no-fp.sh OBJDUMP NM ELF ALLOWED.o: fails if ELF holds an FP/SIMD
# instruction, or a DC ZVA (not allowed on the Device memory that all memory
# is with the MMU off), outside the functions of ALLOWED.o (harden_a64.o,
# whose probes and canaries use FP/SIMD, SVE and SME on purpose).
# Everything else, ours and picolibc's, must leave those registers alone: the
# guest reports their reset values and the last run's canaries (canary.c) and
# runs with CPACR_EL1 trapping FP/SIMD until the probes turn it on.
set -eu
objdump=$1
nm=$2
elf=$3
allowed=$4
# Function headers: "0000000000001234 <name>:". Instruction lines:
# "addr:<TAB>encoding<TAB>mnemonic<TAB>operands". Branch and adr targets are
# addresses (e.g. "b0"), not registers: skipped.
bad=$("$objdump" -d "$elf" | awk -F'\t' -v allowed="$("$nm" "$allowed" | awk '$2 ~ /^[tT]$/ { print $3 }' | tr '\n' ' ')" '
	BEGIN { n = split(allowed, a, " "); for (i = 1; i <= n; i++) ok[a[i]] = 1 }
	/^[0-9a-f]+ <.*>:$/ { f = $0; sub(/^[0-9a-f]+ </, "", f); sub(/>:$/, "", f); skip = (f in ok); next }
	skip { next }
	NF >= 3 && $1 ~ /^ *[0-9a-f]+:$/ {
		m = $3; sub(/ .*/, "", m)
		if (m ~ /^(b|bl|b\..*|cbz|cbnz|tbz|tbnz|adr|adrp)$/) next
		if ($4 ~ /(^|[^a-z0-9_])([qdsbhvzp][0-9]+)([^0-9a-z_]|$)/ || $4 ~ /fpcr|fpsr|(^|[^a-z0-9_])za([^0-9a-z_]|$)/ || m ~ /^f/ || (m == "dc" && $4 ~ /^zva/)) print f ": " $0
	}')
if [ -n "$bad" ]; then
	echo "$elf: FP/SIMD or DC ZVA instructions outside $allowed:" >&2
	echo "$bad" | head -n 20 >&2
	exit 1
fi
