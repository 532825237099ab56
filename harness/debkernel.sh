#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The x86_64 baseline kernel as Debian builds it: the vmlinuz of the
# binary PACKAGE at VERSION (built from the same source package as the
# base tree), put where harness/run.sh looks for a kernel in OBJ, with
# gen_init_cpio from the base tree next to it.  Where the archive no
# longer has that version, compile the base tree into OBJ instead.
#
# usage: debkernel.sh PACKAGE VERSION BASE SUITE OBJ   (SUITE may be "")
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pkg=$1 ver=$2 base=$3 suite=$4 obj=$5
. "$top/harness/arch.sh" x86_64

image=$obj/$IMAGE
if [ ! -s "$image" ] || [ "$(cat "$obj/.debkernel" 2>/dev/null)" != "$pkg=$ver" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# The very version of the base, or compile the base.
	if ! deb=$("$top/harness/debget.sh" "$pkg" "$ver" "$tmp" "$suite") ||
	   [ "$(dpkg-deb -f "$deb" Version)" != "$ver" ]; then
		echo "debkernel: WARNING: no $pkg $ver to download, compiling the base" >&2
		rm -f "$obj/.debkernel"
		exec "$top/harness/build.sh" x86_64 "$base" "$obj"
	fi
	dpkg-deb -x "$deb" "$tmp/x"
	mkdir -p "$(dirname "$image")"
	# boot/vmlinuz-VER, or, since Debian split the image package
	# (linux-binary-VER), usr/lib/modules/VER/vmlinuz
	cp "$(ls "$tmp"/x/boot/vmlinuz-* "$tmp"/x/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1)" "$image"
	echo "$pkg=$ver" > "$obj/.debkernel"
fi
mkdir -p "$obj/usr"
[ "$obj/usr/gen_init_cpio" -nt "$base/usr/gen_init_cpio.c" ] ||
	gcc -O2 -o "$obj/usr/gen_init_cpio" "$base/usr/gen_init_cpio.c"
echo "build: $image (Debian $pkg $ver)"
