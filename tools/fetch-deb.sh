#!/usr/bin/env bash
# fetch-deb.sh PACKAGE DEST: download a Debian package (any architecture, e.g.
# libfdt-dev:arm64) and unpack it under DEST without installing it.
set -euo pipefail
pkg=$1
dest=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch: $pkg"
# apt-get download writes into the current directory; as root it warns that
# the _apt user cannot write there, which is harmless.
(cd "$tmp" && chmod 777 . && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' || true)
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
if [ -z "$deb" ]; then
	echo "fetch: could not download $pkg (is the arm64 architecture added? run 'make deps')" >&2
	exit 1
fi
mkdir -p "$dest"
dpkg -x "$deb" "$dest"
