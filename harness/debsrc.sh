#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download Debian's source package PACKAGE (.dsc, .orig and .debian
# tarballs) into DIR, from the deb-src index of the machine's sources in a
# private apt state: the machine's sources list only has binary packages.
#
# usage: debsrc.sh PACKAGE DIR
set -euo pipefail
pkg=$1 dir=$(realpath -m "$2")
ls "$dir"/"$pkg"_*.dsc >/dev/null 2>&1 && exit 0
apt=$dir.apt
rm -rf "$apt"
mkdir -p "$apt/lists/partial" "$dir"
sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
	> "$apt/src.sources"
opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt"
      -o Dir::State::Lists="$apt/lists")
apt-get "${opts[@]}" update -q >&2
(cd "$dir" && apt-get "${opts[@]}" source --download-only -q "$pkg" >&2)
rm -rf "$apt"
