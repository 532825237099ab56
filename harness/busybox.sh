#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build a static busybox for a guest architecture from Debian's busybox
# source package (Debian 12 has no busybox-static for every architecture),
# with the applets listed in harness/config/busybox.config.
#
# usage: busybox.sh CROSS_COMPILE OUT     (OUT/bin/busybox)
set -euo pipefail
# Called from our Makefile: its command-line variables (ARCH=riscv64) must
# not reach the kernel's make through MAKEFLAGS.
unset MAKEFLAGS MAKEOVERRIDES MFLAGS
top=$(cd "$(dirname "$0")/.." && pwd)
cross=$1 out=$(realpath -m "$2")
conf=$top/harness/config/busybox.config
# Built already, with the applets listed now
[ -x "$out/bin/busybox" ] && [ "$(md5sum < "$conf")" = "$(cat "$out/config.sum" 2>/dev/null)" ] &&
	exit 0

src=$top/build/busybox-src
if [ ! -d "$src/tree" ]; then
	rm -rf "$src"
	"$top/harness/debsrc.sh" busybox "$src/dl"
	mkdir -p "$src/tree"
	tar -C "$src/tree" --strip-components=1 -xf "$src"/dl/busybox_*.orig.tar.*
fi

obj=$out.obj
rm -rf "$obj"
mkdir -p "$obj"
make -C "$src/tree" O="$obj" -s allnoconfig >/dev/null
for opt in $(grep -o '^CONFIG_[A-Z0-9_]*' "$top/harness/config/busybox.config"); do
	sed -i "s/^# $opt is not set\$/$opt=y/" "$obj/.config"
done
{ yes "" || true; } | make -C "$obj" -s oldconfig >/dev/null
missing=$(grep -o '^CONFIG_[A-Z0-9_]*' "$top/harness/config/busybox.config" |
	while read -r opt; do grep -q "^$opt=y" "$obj/.config" || echo "$opt"; done)
[ -z "$missing" ] || { echo "busybox: not set: $missing" >&2; exit 1; }
make -C "$obj" -s -j"$(nproc)" CROSS_COMPILE="$cross" busybox >&2
mkdir -p "$out/bin"
cp "$obj/busybox" "$out/bin/busybox"
md5sum < "$conf" > "$out/config.sum"
rm -rf "$obj"
echo "busybox: $out/bin/busybox" >&2
