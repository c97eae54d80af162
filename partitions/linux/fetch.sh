#!/usr/bin/env bash
# fetch.sh WHAT DEST: download one of Debian's arm64 packages the Linux guest
# is made of and unpack it under DEST, never installing it into the host.
#
#   WHAT = kernel   the package linux-image-arm64:arm64 depends on (Debian's
#                   current kernel, e.g. linux-image-6.1.0-57-arm64); DEST/Image
#                   is then its boot/vmlinuz-*, an uncompressed arm64 Image,
#                   and DEST/kernel-version its release (the folder under
#                   DEST/lib/modules/)
#   WHAT = busybox  busybox-static:arm64; DEST/bin/busybox
#
# DEST/.package records "PACKAGE VERSION" and is written last: the Makefile
# takes its presence as the cache being complete, so an interrupted fetch is
# done again. Shows the download size and how long the steps took.
set -euo pipefail
what=$1
dest=$2

say() { echo "LINUX   $*"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }

case $what in
kernel)
	meta=linux-image-arm64:arm64
	# "  Depends: linux-image-6.1.0-57-arm64:arm64" (the metapackage's only
	# linux-image dependency).
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\).*/\1/p' | head -n 1)
	if [ -z "$pkg" ]; then
		echo "fetch: apt knows no $meta (is the arm64 architecture added and apt-get update run? 'make deps' does both)" >&2
		exit 1
	fi
	case $pkg in *:arm64) ;; *) pkg=$pkg:arm64 ;; esac
	;;
busybox)
	pkg=busybox-static:arm64
	;;
*)
	echo "fetch.sh: WHAT must be kernel or busybox, not '$what'" >&2
	exit 2
	;;
esac

show=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null || true)
version=$(sed -n 's/^Version: //p' <<<"$show" | head -n 1)
size=$(sed -n 's/^Size: //p' <<<"$show" | head -n 1)
isize=$(sed -n 's/^Installed-Size: //p' <<<"$show" | head -n 1)
if [ -z "$version" ]; then
	echo "fetch: apt knows no $pkg (is the arm64 architecture added? run 'make deps')" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "download $pkg $version ($(mib "${size:-0}")) from Debian's archive"
t0=$(date +%s)
# apt-get download writes into the current directory; as root it warns that
# the _apt user cannot write there, which is harmless.
(cd "$tmp" && chmod 777 . && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' || true)
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	echo "fetch: could not download $pkg" >&2
	exit 1
fi
t1=$(date +%s)
say "unpack $(basename "$deb") ($(mib "$(stat -c %s "$deb")"), $(mib $(( ${isize:-0} * 1024 ))) unpacked) into $dest"
rm -rf "$dest"
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
t2=$(date +%s)

case $what in
kernel)
	images=("$dest"/boot/vmlinuz-*)
	if [ "${#images[@]}" -ne 1 ] || [ ! -f "${images[0]}" ]; then
		echo "fetch: $pkg holds no single boot/vmlinuz-*" >&2
		exit 1
	fi
	# An uncompressed arm64 Image: "ARM\x64" at byte 0x38.
	if [ "$(od -An -c -j 56 -N 4 "${images[0]}" | tr -d ' ')" != 'ARMd' ]; then
		echo "fetch: ${images[0]} is not an uncompressed arm64 Image" >&2
		exit 1
	fi
	ln -sf "boot/$(basename "${images[0]}")" "$dest/Image"
	basename "${images[0]}" | sed 's/^vmlinuz-//' >"$dest/kernel-version"
	;;
busybox)
	if [ ! -x "$dest/bin/busybox" ]; then
		echo "fetch: $pkg holds no bin/busybox" >&2
		exit 1
	fi
	;;
esac
echo "${pkg%:arm64} $version" >"$dest/.package"
say "$pkg: downloaded in $((t1 - t0)) s, unpacked in $((t2 - t1)) s"
