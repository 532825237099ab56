#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the pristine base tree: Debian's linux-source-6.12, extracted once
# into DIR and committed as a single git commit tagged "base".
#
# usage: base.sh DIR PACKAGE DEBIAN-VERSION
set -euo pipefail
dir=$1 pkg=$2 debver=$3

git -C "$dir" rev-parse -q --verify base >/dev/null 2>&1 && exit 0

export DEBIAN_FRONTEND=noninteractive
have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
if [ "$have" != "$debver" ]; then
	if ! apt-get install -y -q --no-install-recommends "$pkg=$debver" >&2 &&
	   ! { apt-get update -q >&2 &&
	       apt-get install -y -q --no-install-recommends "$pkg=$debver" >&2; }; then
		echo "base: WARNING: $pkg $debver is not available, trying any $pkg" >&2
		apt-get install -y -q --no-install-recommends "$pkg" >&2 || {
			echo "base: cannot install $pkg: no base kernel source, giving up" >&2
			exit 1
		}
	fi
	have=$(dpkg-query -W -f='${Version}' "$pkg")
fi
tarball=/usr/src/$pkg.tar.xz
[ -r "$tarball" ] || { echo "base: $pkg is installed but $tarball is missing" >&2; exit 1; }

rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
tar -C "$dir.tmp" --strip-components=1 -xf "$tarball"
kver=$(make -s -C "$dir.tmp" kernelversion)
cd "$dir.tmp"
git init -q -b pristine .
# Debian's top-level .gitignore ignores everything: add the tarball as it is.
git add -A -f
GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
	git -c user.name=base -c user.email=base@invalid commit -q \
	-m "Linux $kver (Debian $pkg $have)"
git tag base
cd - >/dev/null
rm -rf "$dir"
mv "$dir.tmp" "$dir"
echo "base: Linux $kver from Debian $pkg $have" >&2
