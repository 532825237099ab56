#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Make the pristine base tree: Debian's linux-source-X.Y package at
# DEBIAN-VERSION (from SUITE if given, see debget.sh), extracted once into
# DIR and committed as a single git commit tagged "base".
#
# usage: base.sh DIR PACKAGE DEBIAN-VERSION [SUITE]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1 pkg=$2 debver=$3 suite=${4:-}

git -C "$dir" rev-parse -q --verify base >/dev/null 2>&1 && exit 0

rm -rf "$dir.tmp"
rc=0
have=$("$top/harness/linuxsrc.sh" "$pkg" "$debver" "$dir.tmp" "$suite") || rc=$?
if [ "$rc" = 2 ]; then
	cat >&2 <<-EOM
	base: $pkg is gone from the archive${suite:+ (suite $suite)}.
	base: A backports suite keeps only its newest kernel: the series has to
	base: move to the next release.  Set BASE_PKG, BASE_DEBVER, DEB_KERNEL
	base: of the series in the Makefile to the release the suite has now,
	base: then rebase the commits of build/KVER/linux onto its base and
	base: run 'make overlay' (README, "Moving the base").
	EOM
	exit 1
fi
[ "$rc" = 0 ] || { echo "base: cannot download $pkg" >&2; exit 1; }
kver=$(env -u ARCH -u MAKEFLAGS make -s -C "$dir.tmp" kernelversion)
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
