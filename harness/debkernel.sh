#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The x86_64 baseline kernel as Debian builds it: the vmlinuz of the
# binary PACKAGE at VERSION (built from the same source package as the
# base tree), put where harness/run.sh looks for a kernel in OBJ, with
# gen_init_cpio from the base tree next to it.  Where the archive no
# longer has that version, compile the base tree into OBJ instead.
#
# usage: debkernel.sh PACKAGE VERSION BASE OBJ
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pkg=$1 ver=$2 base=$3 obj=$4
. "$top/harness/arch.sh" x86_64

image=$obj/$IMAGE
if [ ! -s "$image" ] || [ "$(cat "$obj/.debkernel" 2>/dev/null)" != "$pkg=$ver" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	chmod 777 "$tmp"	# apt-get download writes as the _apt user
	if ! (cd "$tmp" && { apt-get download -q "$pkg=$ver" ||
		{ apt-get update -q && apt-get download -q "$pkg=$ver"; }; }) >&2; then
		echo "debkernel: WARNING: no $pkg $ver to download, compiling the base" >&2
		rm -f "$obj/.debkernel"
		exec "$top/harness/build.sh" x86_64 "$base" "$obj"
	fi
	dpkg-deb -x "$tmp"/*.deb "$tmp/x"
	mkdir -p "$(dirname "$image")"
	cp "$tmp"/x/boot/vmlinuz-* "$image"
	cp "$tmp"/x/boot/config-* "$obj/.config"
	echo "$pkg=$ver" > "$obj/.debkernel"
fi
mkdir -p "$obj/usr"
[ "$obj/usr/gen_init_cpio" -nt "$base/usr/gen_init_cpio.c" ] ||
	gcc -O2 -o "$obj/usr/gen_init_cpio" "$base/usr/gen_init_cpio.c"
echo "build: $image (Debian $pkg $ver)"
