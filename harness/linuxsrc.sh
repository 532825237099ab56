#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract Debian's kernel source package PACKAGE (linux-source-X.Y) at
# VERSION (or "newest"; from SUITE if given, see debget.sh) into the new
# folder DIR and print the package version taken.  Exits 2 when the
# package is gone from the archive.
#
# usage: linuxsrc.sh PACKAGE VERSION|newest DIR [SUITE]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
pkg=$1 ver=$2 dir=$3 suite=${4:-}
dl=$(realpath -m "$dir.dl")
rc=0
deb=$("$top/harness/debget.sh" "$pkg" "$ver" "$dl" "$suite") || rc=$?
[ "$rc" = 0 ] || { rm -rf "$dl"; exit "$rc"; }
mkdir -p "$dir"
dpkg-deb --fsys-tarfile "$deb" | tar -x -O --wildcards './usr/src/linux-source-*.tar.xz' |
	tar -xJ -C "$dir" --strip-components=1
dpkg-deb -f "$deb" Version
rm -rf "$dl"
