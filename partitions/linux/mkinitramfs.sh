#!/usr/bin/env bash
# mkinitramfs.sh [--bin PROGRAM]... KERNEL-DIR BUSYBOX-DIR INIT OUT MODULE...
#
# Makes OUT (a gzip-compressed cpio "newc" archive) for the Linux guest:
#   /init                 INIT (partitions/linux/init)
#   /bin/busybox, /bin/sh busybox-static, from BUSYBOX-DIR (fetch.sh busybox)
#   /bin/NAME             each --bin PROGRAM, a static arm64 program of ours
#                         (e.g. cntvct, built by rules.mk from cntvct.c)
#   /lib/modules/KVER/... each MODULE and every module it depends on, copied
#                         from the same kernel package as the Image
#                         (KERNEL-DIR, fetch.sh kernel)
#   /etc/modules          their paths under /lib/modules/KVER, in load order
#                         (dependencies first), which /init insmods
#
# The package has no modules.dep (depmod writes it when the package is
# installed), so dependencies come from each module's own .modinfo section
# ("depends=a,b"), read with the cross objcopy. Entries are owned by root
# with time 0, so the same inputs give the same archive.
set -euo pipefail
bins=()
while [ "${1:-}" = "--bin" ]; do
	bins+=("$2")
	shift 2
done
kdir=$1
bbdir=$2
init=$3
out=$4
shift 4
OBJCOPY=${OBJCOPY:-aarch64-linux-gnu-objcopy}

kver=$(cat "$kdir/kernel-version")
mdir=$kdir/lib/modules/$kver

# Module name (with '_' for '-', as the kernel names them) -> path under $mdir.
declare -A path_of
while IFS= read -r f; do
	n=${f##*/}
	n=${n%%.ko*}
	path_of[${n//-/_}]=${f#"$mdir"/}
done < <(find "$mdir/kernel" -name '*.ko*' -type f)

modinfo_depends() {
	local f=$mdir/$1 tmp
	case $f in
	*.ko) ;;
	*) echo "mkinitramfs: $f: compressed modules are not handled" >&2; exit 1 ;;
	esac
	tmp=$(mktemp)
	"$OBJCOPY" -O binary -j .modinfo "$f" "$tmp"
	tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p' | tr ',' ' '
	rm -f "$tmp"
}

declare -A state   # 1 = being visited, 2 = placed in order
order=()
visit() {
	local m=${1//-/_} d deps
	case ${state[$m]:-0} in
	2) return ;;
	1) echo "mkinitramfs: dependency loop at $m" >&2; exit 1 ;;
	esac
	if [ -z "${path_of[$m]:-}" ]; then
		if grep -q "/$m.ko\$" "$mdir/modules.builtin" 2>/dev/null ||
		   grep -q "/${m//_/-}.ko\$" "$mdir/modules.builtin" 2>/dev/null; then
			echo "mkinitramfs: $m is built into $kver, nothing to load" >&2
			state[$m]=2
			return
		fi
		echo "mkinitramfs: no module $m in $mdir" >&2
		exit 1
	fi
	state[$m]=1
	deps=$(modinfo_depends "${path_of[$m]}")
	for d in $deps; do
		visit "$d"
	done
	state[$m]=2
	order+=("$m")
}
for m in "$@"; do
	visit "$m"
done

stage=$out.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,"lib/modules/$kver"}
install -m 0755 "$bbdir/bin/busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$init" "$stage/init"
for b in "${bins[@]}"; do
	install -m 0755 "$b" "$stage/bin/${b##*/}"
done
: >"$stage/etc/modules"
for m in "${order[@]}"; do
	rel=${path_of[$m]}
	install -D -m 0644 "$mdir/$rel" "$stage/lib/modules/$kver/$rel"
	echo "$rel" >>"$stage/etc/modules"
done
# What the modules' own tools (modprobe, modinfo) would look for.
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$mdir/$f" ] && install -m 0644 "$mdir/$f" "$stage/lib/modules/$kver/$f"
done

find "$stage" -exec touch -h -d @0 {} +
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$out.tmp"
mv "$out.tmp" "$out"
progs=""
for b in "${bins[@]}"; do
	progs="$progs, /bin/${b##*/}"
done
echo "INITRD  $out ($(stat -c %s "$out") bytes: busybox, /init$progs, ${#order[@]} modules: ${order[*]})"
