#!/usr/bin/env bash
# check-fresh.sh (make check-fresh): the README's two commands on a fresh
# Debian 12 machine, so that a missing install step cannot come back unseen.
#
# It makes a minimal Debian 12 root (debootstrap --variant=minbase, from the
# mirror in this machine's Debian apt sources), puts a clean clone of HEAD in
# it (committed state only), installs `make` and nothing else, and runs there
#   make run    until a partition's console line appears (then stops QEMU)
#   make test   which must exit 0 and end with pytest's "N passed"
# Everything else must be installed by the project itself (tools/deps.sh).
#
# Needs root, Linux, apt (installs debootstrap on this machine if it is
# missing) and Debian's archive. Takes minutes: not part of `make test`.
#
# The root is made under /var/tmp (never under build/, which `make clean`
# removes with rm -rf) and removed at the end, also on failure or Ctrl-C,
# after its processes are stopped and its mounts undone. Under
# $BUILD_ROOT/check-fresh/ stay the logs of the last run (logs/) and
# debootstrap's downloaded packages (cache/, so the next run skips the
# download; CHECK_FRESH_NO_CACHE=1 downloads again).
#
# Variables: CHECK_FRESH_RUN_TIMEOUT (s, default 900: the first `make run`
# also installs every package), CHECK_FRESH_TEST_TIMEOUT (s, default 3600),
# CHECK_FRESH_NO_CACHE=1.
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
RUN_TIMEOUT=${CHECK_FRESH_RUN_TIMEOUT:-900}
TEST_TIMEOUT=${CHECK_FRESH_TEST_TIMEOUT:-3600}
# The default system (configs/qemu-virt-linux-rtos.dts): the RTOS starts
# first, Linux's shell banner comes last.
PARTITION_LINE='^\[linux\] Enter .help. for a list of built-in commands'
IN_ROOT_REPO=/root/bulkhead

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_root=${BUILD_ROOT:-build}
case $build_root in /*) ;; *) build_root=$top/$build_root ;; esac
work=$build_root/check-fresh
logs=$work/logs
cache=$work/cache

root=            # the fresh root, once made
tarball_tmp=     # debootstrap --make-tarball's scratch directory
step_pid=        # the running step (its own session and process group)
step_name=
step_log=
summary_done=0
start=$SECONDS

say() { echo "[check-fresh] $*"; }

# ---- ending: summary, then cleanup (always, by the EXIT trap) ---------------

fail() {
	# fail REASON: prints the summary line and exits non-zero.
	echo "check-fresh: FAIL ($*) in $((SECONDS - start)) s" >&2
	summary_done=1
	exit 1
}

kill_step() {
	[ -n "$step_pid" ] || return 0
	kill -TERM -- "-$step_pid" 2>/dev/null || kill -TERM "$step_pid" 2>/dev/null || true
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$step_pid" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL -- "-$step_pid" 2>/dev/null || true
	wait "$step_pid" 2>/dev/null || true
	step_pid=
}

# Processes whose root directory is the fresh root (or under it).
root_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		if [ "$r" = "$root" ] || [[ $r == "$root"/* ]]; then
			echo "${p#/proc/}"
		fi
	done
}

kill_root_processes() {
	local pids sig
	for sig in TERM TERM TERM KILL KILL; do
		pids=$(root_pids)
		[ -n "$pids" ] || return 0
		# shellcheck disable=SC2086
		kill "-$sig" $pids 2>/dev/null || true
		sleep 1
	done
	pids=$(root_pids)
	if [ -n "$pids" ]; then
		echo "check-fresh: processes still running in $root: $pids" >&2
		return 1
	fi
}

# Mount points at or under the fresh root, deepest first.
root_mounts() {
	awk -v r="$root" '$5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

unmount_root() {
	local m
	for _ in 1 2 3 4 5; do
		[ -n "$(root_mounts)" ] || return 0
		for m in $(root_mounts); do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
	done
	if [ -n "$(root_mounts)" ]; then
		echo "check-fresh: could not unmount: $(root_mounts | tr '\n' ' ')" >&2
		return 1
	fi
}

cleanup() {
	local rc=$?
	trap '' INT TERM        # a second Ctrl-C must not stop the cleanup half-way
	trap - EXIT
	set +e
	kill_step
	if [ -n "$root" ] && [ -d "$root" ]; then
		kill_root_processes
		if unmount_root; then
			rm -rf --one-file-system "$root"
			[ -e "$root" ] && echo "check-fresh: could not remove $root" >&2
		else
			echo "check-fresh: left $root in place (mounts remain; see findmnt)" >&2
			rc=1
		fi
	fi
	[ -n "$tarball_tmp" ] && rm -rf --one-file-system "$tarball_tmp"
	if [ "$rc" -ne 0 ] && [ "$summary_done" -eq 0 ]; then
		echo "check-fresh: FAIL (${step_name:-setup}: exit $rc) in $((SECONDS - start)) s" >&2
	fi
	exit "$rc"
}

on_signal() {
	echo >&2
	say "interrupted (SIG$1) during: ${step_name:-setup}; cleaning up" >&2
	echo "check-fresh: FAIL (interrupted during ${step_name:-setup}) in $((SECONDS - start)) s" >&2
	summary_done=1
	[ "$1" = INT ] && exit 130
	exit 143
}

trap cleanup EXIT
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# ---- steps --------------------------------------------------------------------

# Starts "$@" in its own session (so that it and its children can be stopped
# as a group), output to $step_log; sets step_pid.
start_step() {
	step_name=$1
	step_log=$logs/$2.log
	shift 2
	printf '[check-fresh] %s ... ' "$step_name"
	step_t0=$SECONDS
	setsid "$@" </dev/null >"$step_log" 2>&1 &
	step_pid=$!
}

step_failed() {
	# step_failed REASON
	echo "FAILED ($((SECONDS - step_t0)) s): $1"
	echo "---- last lines of $step_log ----"
	tail -n 40 "$step_log" | sed 's/^/  | /'
	echo "---- (whole log: $step_log) ----"
	fail "$step_name: $1"
}

step_ok() {
	echo "ok ($((SECONDS - step_t0)) s)${1:+: $1}"
	step_pid=
}

# run_step NAME LOGNAME COMMAND...: runs it to the end; fails on non-zero exit.
run_step() {
	local rc=0
	start_step "$@"
	wait "$step_pid" || rc=$?
	step_pid=
	[ "$rc" -eq 0 ] || step_failed "exit $rc"
	step_ok
}

# in_root: the command prefix that runs a bash command line in the fresh root,
# with the environment of a fresh login (none of ours: MAKEFLAGS would carry
# BH_DEPS_OK=1 and skip tools/deps.sh). Set once the root exists.
in_root=()

# "URI SUITE" for each enabled deb entry of this machine's apt sources, in
# one-line (.list) or deb822 (.sources) format. Other sources (vendors'
# repositories) are filtered out by suite below.
host_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
			print $i, $(i + 1)
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
		function flush(  n, m, i, j, u, s) {
			if (v["types"] ~ /(^|[ \t])deb([ \t]|$)/ && tolower(v["enabled"]) != "no") {
				n = split(v["uris"], u); m = split(v["suites"], s)
				for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j]
			}
			delete v; key = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		/^[ \t]/ { if (key != "") v[key] = v[key] " " $0; next }
		{ key = tolower($0); sub(/:.*/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val); v[key] = val }
		END { flush() }' "$f"
	done
}

# ---- main -----------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || { echo "check-fresh: needs root (debootstrap, chroot, mounts)" >&2; summary_done=1; exit 1; }
mkdir -p "$logs" "$cache"
rm -f "$logs"/*.log

head=$(git -C "$top" rev-parse HEAD)
say "testing commit $(git -C "$top" log -1 --format='%h %s' "$head" | cut -c1-100)"
say "a clean clone of HEAD: committed state only"
changes=$(git -C "$top" status --porcelain)
if [ -n "$changes" ]; then
	say "WARNING: the working tree has uncommitted changes ($(wc -l <<<"$changes") files); they are NOT tested:"
	head -n 10 <<<"$changes" | sed 's/^/[check-fresh]   /'
	[ "$(wc -l <<<"$changes")" -le 10 ] || say "  ... (git status shows the rest)"
fi

mapfile -t sources < <(host_sources | awk -v s="$SUITE" '$2 == s || $2 == s "-updates" || $2 == s "-security"' | awk '!seen[$0]++')
mirror=$(printf '%s\n' "${sources[@]}" | awk -v s="$SUITE" '$2 == s { print $1; exit }')
security=$(printf '%s\n' "${sources[@]}" | awk -v s="$SUITE-security" '$2 == s { print $1; exit }')
updates=$(printf '%s\n' "${sources[@]}" | awk -v s="$SUITE-updates" '$2 == s { print $1; exit }')
if [ -z "$mirror" ]; then
	mirror=http://deb.debian.org/debian
	say "no $SUITE entry in this machine's apt sources; using $mirror"
fi
say "mirror: $mirror (updates: ${updates:-none}, security: ${security:-none})"
say "logs: $logs"

if ! command -v debootstrap >/dev/null; then
	run_step "host: apt-get install debootstrap" host-debootstrap \
		bash -c 'export DEBIAN_FRONTEND=noninteractive
			apt-get install -y -q debootstrap || { apt-get update -q && apt-get install -y -q debootstrap; }'
fi

arch=$(dpkg --print-architecture)
tarball=$cache/$SUITE-$VARIANT-$arch-$(printf '%s' "$mirror" | md5sum | cut -c1-8).tgz
[ "${CHECK_FRESH_NO_CACHE:-0}" = 1 ] && rm -f "$tarball"
root=$(mktemp -d /var/tmp/bulkhead-check-fresh.XXXXXX)
chmod 755 "$root"
in_root=(chroot "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c)
say "fresh root: $root"

if [ ! -f "$tarball" ]; then
	tarball_tmp=$(mktemp -d /var/tmp/bulkhead-check-fresh-dl.XXXXXX)
	run_step "debootstrap: download $SUITE $VARIANT (kept in $cache)" debootstrap-download \
		debootstrap --variant="$VARIANT" --arch="$arch" --make-tarball="$tarball.part" \
		"$SUITE" "$tarball_tmp" "$mirror"
	mv "$tarball.part" "$tarball"
	rm -rf --one-file-system "$tarball_tmp"
	tarball_tmp=
else
	say "debootstrap: packages from the cache, $(basename "$tarball") ($(date -r "$tarball" +%F))"
fi
run_step "debootstrap --variant=$VARIANT $SUITE" debootstrap \
	debootstrap --variant="$VARIANT" --arch="$arch" --unpack-tarball="$tarball" \
	"$SUITE" "$root" "$mirror"

# The fresh root's apt sources: this machine's Debian entries, main only.
{
	echo "deb $mirror $SUITE main"
	[ -z "$updates" ] || echo "deb $updates $SUITE-updates main"
	[ -z "$security" ] || echo "deb $security $SUITE-security main"
} >"$root/etc/apt/sources.list"
rm -f "$root"/etc/apt/sources.list.d/*
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
say "fresh root's apt sources:"
sed 's/^/[check-fresh]   /' "$root/etc/apt/sources.list"

mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --bind /dev "$root/dev"
mount --make-rslave "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount --make-rslave "$root/dev/pts"

# shellcheck disable=SC2016 # expanded by the inner bash
run_step "git clone HEAD (${head:0:7}) to $IN_ROOT_REPO" clone \
	bash -c 'git clone -q --no-hardlinks "$1" "$2" && git -C "$2" checkout -q --detach "$3" &&
		git -C "$2" log -1 --oneline' _ "$top" "$root$IN_ROOT_REPO" "$head"

run_step "in root: apt-get update" apt-update "${in_root[@]}" 'apt-get update'
run_step "in root: apt-get install -y make (nothing else)" apt-make \
	"${in_root[@]}" 'DEBIAN_FRONTEND=noninteractive apt-get install -y make'

# make run starts QEMU and runs until stopped: wait for a partition's line.
start_step "in root: make run (until a partition's line, at most $RUN_TIMEOUT s)" make-run \
	"${in_root[@]}" "cd $IN_ROOT_REPO && exec make run"
seen=
while :; do
	if seen=$(grep -m1 -aE "$PARTITION_LINE" "$step_log" | tr -d '\r') && [ -n "$seen" ]; then
		break
	fi
	if ! kill -0 "$step_pid" 2>/dev/null; then
		rc=0
		wait "$step_pid" || rc=$?
		step_pid=
		step_failed "make run ended (exit $rc) before a partition's line"
	fi
	if [ $((SECONDS - step_t0)) -ge "$RUN_TIMEOUT" ]; then
		kill_step
		step_failed "no partition line ($PARTITION_LINE) within $RUN_TIMEOUT s"
	fi
	sleep 2
done
kill_step
kill_root_processes || fail "make run: QEMU would not stop"
step_ok "$seen"
grep -m1 '^deps: installing' "$step_log" | cut -c1-200 | sed 's/^/[check-fresh]   (make run) /' || true

start_step "in root: make test (at most $TEST_TIMEOUT s)" make-test \
	timeout "$TEST_TIMEOUT" "${in_root[@]}" "cd $IN_ROOT_REPO && exec make test"
rc=0
wait "$step_pid" || rc=$?
step_pid=
last=$(grep -v '^[[:space:]]*$' "$step_log" | tail -n 1 | tr -d '\r')
[ "$rc" -ne 124 ] || step_failed "timed out after $TEST_TIMEOUT s"
[ "$rc" -eq 0 ] || step_failed "exit $rc; last line: $last"
passed=$(printf '%s\n' "$last" | grep -oE '^=*[[:space:]]*[0-9]+ passed' | grep -oE '[0-9]+ passed') ||
	step_failed "exit 0 but the last line is not pytest's 'N passed': $last"
# "N failed" or "N error(s)", not "xfailed" (an expected failure is a pass).
if printf '%s\n' "$last" | grep -qE '(^|[ ,])[0-9]+ (failed|errors?)([ ,]|$)'; then
	step_failed "$last"
fi
step_ok "$last"

echo "check-fresh: PASS (make run: ok, make test: $passed) in $((SECONDS - start)) s"
summary_done=1
