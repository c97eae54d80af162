#!/usr/bin/env bash
# Installs what building and testing Bulkhead needs, on Debian or Ubuntu.
# Returns at once when everything is there. Run as root or with sudo.
set -euo pipefail

packages=(
	make gcc libc6-dev
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu
	picolibc-aarch64-linux-gnu
	qemu-system-arm u-boot-qemu gdb-multiarch
	device-tree-compiler libfdt-dev
	libcmocka-dev
	python3 python3-pytest python3-kconfiglib
	gnuplot-nox
	cpio gzip
	e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
# arm64 packages (libfdt for EL2, later the Linux guest) are downloaded, not
# installed, but apt only finds them once the architecture is known.
need_arch=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	need_arch=1
fi

if [ "${#missing[@]}" -eq 0 ] && [ "$need_arch" -eq 0 ]; then
	exit 0
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null; then
		SUDO=sudo
	else
		echo "deps: need root (or sudo) to install: ${missing[*]}" >&2
		exit 1
	fi
fi

echo "deps: installing: ${missing[*]:-(none)}${need_arch:+ and the arm64 package architecture}"
if [ "$need_arch" -eq 1 ]; then
	$SUDO dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ "${#missing[@]}" -gt 0 ]; then
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
echo "deps: done"
