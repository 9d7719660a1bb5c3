#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the klpsv tests use, from Debian packages only:
# host tools, and three kernels (6.1, 6.12, 6.12 PREEMPT_RT) with headers;
# and builds a fourth, the debug kernel, from Debian's linux-source-6.12
# with scripts/debug-kernel.config (KASAN, lockdep, atomic-sleep checks,
# KFENCE, ...), kept with its build tree in the cache.
#
# Kernel versions are chosen by asking apt, then recorded in one place,
# $KLPSV_CACHE/kernels.mk, which the Makefile reads.  Kernel images are
# extracted into the cache (no initramfs triggers); headers are installed
# with apt because their Makefiles refer to absolute paths.
#
# Idempotent and quiet: one line per step (the packages, then each kernel:
# version, image size, and whether it was present, downloaded or built),
# then a summary line; tools' output goes to logs in the cache.  A second
# run only checks and takes about a second.

set -euo pipefail

CACHE=${KLPSV_CACHE:-/var/cache/klpsv}
TOOLS="qemu-system-x86 busybox-static cpio kmod sparse coccinelle liburcu-dev
	make gcc libc6-dev clang valgrind libclang-rt-14-dev linux-source-6.1 xz-utils"
# What building the debug kernel takes.
DEBUG_PKGS="linux-source-6.12 flex bison bc libelf-dev libssl-dev"
DEBUG_FRAGMENT=$(cd "$(dirname "$0")" && pwd)/debug-kernel.config
# Bump to rebuild the debug kernel when the build steps below change.
DEBUG_RECIPE=1

START=$(date +%s%N)
# Seconds since a start taken with date +%s%N, one decimal.
since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f s", (b - a) / 1e9 }'; }
# A step's line is begun before a long action and finished after it.
pending=
begin() { printf 'setup: %s' "$*"; pending=1; }
finish() { echo "$*"; pending=; }
die() {
	[ -z "$pending" ] || echo
	echo "setup: $*" >&2
	exit 1
}
# The size of FILE in MB, one decimal.
mbytes() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get install)"
command -v apt-get >/dev/null || die "apt-get not found: klpsv needs a Debian 12 host"

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	apt-get update -qq >/dev/null || die "apt-get update failed"
	apt_updated=1
}

# The packages among the arguments dpkg has installed, one query for all.
installed() {
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "$@" 2>/dev/null |
		awk '$2 == "ii" { print $1 }' || true
}

# Fail with one line naming the package apt does not know.
need_available() {
	local p
	for p in "$@"; do
		apt-cache show "$p" >/dev/null 2>&1 ||
			die "package $p is not available from apt (check /etc/apt/sources.list)"
	done
}

install_pkgs() {
	local missing=() p have start
	have=" $(installed "$@" | tr '\n' ' ')"
	for p in "$@"; do
		case $have in *" $p "*) ;; *) missing+=("$p") ;; esac
	done
	if [ ${#missing[@]} = 0 ]; then
		echo "setup: packages: all $# present"
		return
	fi
	start=$(date +%s%N)
	begin "packages: installing ${#missing[@]} of $# (${missing[*]})... "
	apt_update
	need_available "${missing[@]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >"$CACHE/apt.log" 2>&1 ||
		die "apt-get install ${missing[*]} failed, see $CACHE/apt.log"
	finish "installed in $(since "$start")"
}

# Highest version of a package name pattern that apt knows.
newest() {
	apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -n1
}

choose_kernels() {
	local k61 v612
	# 6.1: the metapackage's dependency names the ABI (6.1.0-NN-amd64).
	k61=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -n1)
	[ -n "$k61" ] || { apt_update; k61=$(apt-cache depends linux-image-amd64 |
		sed -n 's/.*Depends: linux-image-\(6\.1\.[0-9]*-[0-9]*-amd64\)$/\1/p' | head -n1); }
	[ -n "$k61" ] || die "package linux-image-amd64 does not name a 6.1 kernel"
	# 6.12: the newest patch level that has both flavours, images and headers.
	v612=$(newest '^linux-image-6\.12\.[0-9]*[+]deb12-rt-amd64-unsigned$' |
		sed 's/^linux-image-\(6\.12\.[0-9]*\)+deb12-rt-amd64-unsigned$/\1/')
	[ -n "$v612" ] || die "package linux-image-6.12.*+deb12-rt-amd64-unsigned is not available from apt"
	KVER_61=$k61
	KVER_612=$v612+deb12-amd64
	KVER_612RT=$v612+deb12-rt-amd64
}

# fetch_image KVER PACKAGE WHAT: extract a kernel image package into
# $CACHE/kernels/<kver>/, unless it is there.
fetch_image() {
	local kver=$1 pkg=$2 dir=$CACHE/kernels/$1 start
	if [ -f "$dir/boot/vmlinuz-$kver" ]; then
		echo "setup: kernel $kver ($3): present, $(mbytes "$dir/boot/vmlinuz-$kver")"
		return
	fi
	start=$(date +%s%N)
	begin "kernel $kver ($3): downloading $pkg... "
	apt_update
	need_available "$pkg"
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/root" ||
		die "dpkg-deb -x $pkg failed"
	rm -rf "$dir"
	mkdir -p "$dir" && mv "$dir.tmp/root/boot" "$dir/boot"
	rm -rf "$dir.tmp"
	[ -f "$dir/boot/vmlinuz-$kver" ] || die "package $pkg has no boot/vmlinuz-$kver"
	finish "downloaded, $(mbytes "$dir/boot/vmlinuz-$kver"), $(since "$start")"
}

# Build the debug kernel into $CACHE/kernels/$KVER_DEBUG/: boot/vmlinuz-*
# and boot/config-* as the Debian kernels have them, and build/, the built
# tree out-of-tree modules build against.  Nothing to do when the cached
# kernel was built from the same fragment.  Built in a .tmp directory that
# is renamed when complete, so an interrupted build starts over.
build_debug_kernel() {
	local kver=$1 dir=$CACHE/kernels/$1 tmp=$CACHE/kernels/$1.tmp
	local log=$CACHE/debug-kernel.log want start got missing
	want="$(sha256sum <"$DEBUG_FRAGMENT" | cut -d' ' -f1) recipe $DEBUG_RECIPE"
	if [ -f "$dir/boot/vmlinuz-$kver" ] && [ -f "$dir/build/Module.symvers" ] &&
	   [ "$(cat "$dir/fragment.sha256" 2>/dev/null)" = "$want" ]; then
		echo "setup: kernel $kver (debug): present, $(mbytes "$dir/boot/vmlinuz-$kver"), built from linux-source-6.12 and scripts/debug-kernel.config"
		return
	fi
	[ -f /usr/src/linux-source-6.12.tar.xz ] ||
		die "package linux-source-6.12 installed but /usr/src/linux-source-6.12.tar.xz is missing"
	begin "kernel $kver (debug): building from linux-source-6.12 (about 19 CPU-minutes; log: $log)... "
	start=$(date +%s%N)
	rm -rf "$tmp" && mkdir -p "$tmp/boot"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$tmp" ||
		die "cannot extract /usr/src/linux-source-6.12.tar.xz"
	mv "$tmp/linux-source-6.12" "$tmp/build"
	(
		set -e
		cd "$tmp/build"
		make tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$DEBUG_FRAGMENT"
		make olddefconfig
		make -j"$(nproc)" bzImage modules
	) >"$log" 2>&1 || die "building the debug kernel failed, see $log"
	# Every line of the fragment must have survived olddefconfig.
	missing=$(grep '^CONFIG_' "$DEBUG_FRAGMENT" | grep -vxFf "$tmp/build/.config";
		sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/^\1=/p' "$DEBUG_FRAGMENT" |
			grep -f - "$tmp/build/.config" || true)
	[ -z "$missing" ] || die "debug kernel: not in the final .config (a dependency is missing):" $missing
	got=$(make -s -C "$tmp/build" kernelrelease)
	[ "$got" = "$kver" ] || die "debug kernel: built $got, expected $kver (delete $CACHE/kernels.mk to choose again)"
	cp "$tmp/build/arch/x86/boot/bzImage" "$tmp/boot/vmlinuz-$kver"
	cp "$tmp/build/.config" "$tmp/boot/config-$kver"
	cp "$tmp/build/System.map" "$tmp/boot/System.map-$kver"
	echo "$want" >"$tmp/fragment.sha256"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	finish "built, $(mbytes "$dir/boot/vmlinuz-$kver"), $(since "$start")"
}

mkdir -p "$CACHE"

if [ -f "$CACHE/kernels.mk" ]; then
	# shellcheck disable=SC1090
	eval "$(sed -n 's/^\(KVER_[A-Z0-9]*\) *:= */\1=/p' "$CACHE/kernels.mk")"
else
	choose_kernels
	echo "setup: kernels: chose $KVER_61, $KVER_612 and $KVER_612RT from apt"
fi

install_pkgs $TOOLS $DEBUG_PKGS \
	"linux-headers-$KVER_61" "linux-headers-$KVER_612" "linux-headers-$KVER_612RT"
fetch_image "$KVER_61" "linux-image-$KVER_61-unsigned" "6.1, the default"
fetch_image "$KVER_612" "linux-image-$KVER_612-unsigned" 6.12
fetch_image "$KVER_612RT" "linux-image-$KVER_612RT-unsigned" "6.12 PREEMPT_RT"

for k in "$KVER_61" "$KVER_612" "$KVER_612RT"; do
	[ -f "/usr/src/linux-headers-$k/Makefile" ] || die "package linux-headers-$k installed but /usr/src/linux-headers-$k is missing"
done

# The debug kernel is named after the linux-source-6.12 it is built from.
if [ -z "${KVER_DEBUG:-}" ]; then
	v=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	KVER_DEBUG=${v%%-*}-klpsv-debug
fi
build_debug_kernel "$KVER_DEBUG"

cat >"$CACHE/kernels.mk.tmp" <<EOF
# Chosen by scripts/setup.sh from apt; delete this file to choose again.
KVER_61 := $KVER_61
KVER_612 := $KVER_612
KVER_612RT := $KVER_612RT
# Built by scripts/setup.sh from linux-source-6.12 and scripts/debug-kernel.config.
KVER_DEBUG := $KVER_DEBUG
KDIR_$KVER_DEBUG := $CACHE/kernels/$KVER_DEBUG/build
EOF
mv "$CACHE/kernels.mk.tmp" "$CACHE/kernels.mk"
echo "setup: done in $(since "$START"): 4 kernels in $CACHE/kernels, listed in $CACHE/kernels.mk"
