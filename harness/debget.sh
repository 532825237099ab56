#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Download Debian's binary package PACKAGE at VERSION into DIR (and print
# the .deb's path): from the machine's own apt lists, or, with SUITE, from
# that suite of the machine's Debian archive through a private apt state
# (the machine's sources with the suite replaced), without touching the
# system's apt configuration.  Where VERSION is gone from the archive,
# take the newest one with a warning; exit 2 when the package is gone.
#
# usage: debget.sh PACKAGE VERSION|newest DIR [SUITE]
set -euo pipefail
pkg=$1 ver=$2 dir=$(realpath -m "$3") suite=${4:-}
mkdir -p "$dir"
chmod 777 "$dir"	# apt-get download writes as the _apt user

opts=()
if [ -n "$suite" ]; then
	apt=$dir/apt-$suite
	mkdir -p "$apt/lists/partial"
	# The first stanza of the machine's Debian sources, for SUITE.
	awk 'BEGIN { RS = ""; ORS = "\n" } NR == 1' /etc/apt/sources.list.d/debian.sources |
		sed "s/^Suites:.*/Suites: $suite/" > "$apt/debian.sources"
	opts=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt"
	      -o Dir::State::Lists="$apt/lists" -o Dir::Cache::pkgcache=
	      -o Dir::Cache::srcpkgcache=)
fi
update() { apt-get "${opts[@]}" update -q >&2; }
have() { apt-cache "${opts[@]}" madison "$pkg" 2>/dev/null | awk '{ print $3 }'; }

[ -n "$suite" ] && [ -z "$(ls -A "$apt/lists" 2>/dev/null | grep -v partial)" ] && update
versions=$(have)
if ! grep -qxF "$ver" <<< "$versions"; then
	update
	versions=$(have)
fi
if [ -z "$versions" ]; then
	echo "debget: $pkg is not in the archive${suite:+ suite $suite} any more" >&2
	exit 2
fi
# "newest": whatever the archive has last
[ "$ver" = newest ] && ver=$(sort -V <<< "$versions" | tail -n 1)
if ! grep -qxF "$ver" <<< "$versions"; then
	new=$(sort -V <<< "$versions" | tail -n 1)
	echo "debget: WARNING: $pkg $ver is gone from the archive${suite:+ suite $suite}, taking $new" >&2
	ver=$new
fi
rm -f "$dir/${pkg}_"*.deb
(cd "$dir" && apt-get "${opts[@]}" download -q "$pkg=$ver" >&2)
ls "$dir/${pkg}_"*.deb
