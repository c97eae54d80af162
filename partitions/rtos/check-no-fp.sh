#!/bin/sh
# check-no-fp.sh OBJDUMP ELF: fails if ELF holds any FP/SIMD instruction.
# The RTOS runs with CPACR_EL1.FPEN = 0 and saves no FP/SIMD registers at a
# context switch, which is only right if no code linked in, ours or
# picolibc's or libfdt's, touches them.
set -eu
objdump=$1
elf=$2
# Instruction lines: "addr:<TAB>encoding<TAB>mnemonic<TAB>operands". Branch
# and adr targets are addresses (e.g. "b0"), not registers: skipped.
bad=$("$objdump" -d "$elf" | awk -F'\t' '
	NF >= 3 && $1 ~ /^ *[0-9a-f]+:$/ {
		m = $3; sub(/ .*/, "", m)
		if (m ~ /^(b|bl|b\..*|cbz|cbnz|tbz|tbnz|adr|adrp)$/) next
		if ($4 ~ /(^|[^a-z0-9_])([qdsbhv][0-9]+)([^0-9a-z_]|$)/ || $4 ~ /fpcr|fpsr/ || m ~ /^f/) print
	}')
if [ -n "$bad" ]; then
	echo "$elf: FP/SIMD instructions (the RTOS keeps FP/SIMD disabled):" >&2
	echo "$bad" | head -n 20 >&2
	exit 1
fi
