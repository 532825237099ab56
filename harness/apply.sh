#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply the overlay to an existing kernel tree KSRC the way a distro
# builder would: patch -p1 for every NAME.patch, a copy for every new file.
# All of it is done on copies first; the tree is only touched when all of
# it applies, so a reject never leaves it half-patched.
#
# usage: [OVERLAY=DIR] apply.sh KSRC
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${1:?usage: apply.sh KSRC}
. "$top/harness/series.sh"

[ -f "$ksrc/Makefile" ] && [ -d "$ksrc/kernel" ] ||
	{ echo "apply: $ksrc is not a kernel tree" >&2; exit 1; }
kver=$(env -u ARCH -u MAKEFLAGS make -s -C "$ksrc" kernelversion)
# The manifest names the base: "# Base: Linux 7.3.4 (Debian ...)".
want=$(sed -n 's/^# Base: Linux \([0-9]*\.[0-9]*\).*/\1/p' "$series")
case $kver in
"$want"|"$want".*) ;;
*) echo "apply: $ksrc is Linux $kver, the series in $ovl is for $want" >&2; exit 1 ;;
esac

files=$(for i in $(seq 1 "$(series_count)"); do series_files "$i"; done | awk '!seen[$0]++')

# Patch copies of the files first (patch --dry-run cannot apply several
# diffs of one file in a row), then put the results in place.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
for f in $files; do
	case $f in
	*.patch)
		t=${f%.patch}
		mkdir -p "$tmp/$(dirname "$t")"
		[ -f "$ksrc/$t" ] && cp -p "$ksrc/$t" "$tmp/$t"
		out=$(patch -d "$tmp" -p1 -N -s --no-backup-if-mismatch -r - < "$ovl/$f" 2>&1) || {
			echo "apply: $f does not apply:" >&2
			echo "$out" | sed 's/^/apply:   /' >&2
			bad=1
		}
		;;
	*)
		[ ! -e "$ksrc/$f" ] || { echo "apply: $f exists already in $ksrc" >&2; bad=1; }
		mkdir -p "$tmp/$(dirname "$f")"
		cp -p "$ovl/$f" "$tmp/$f"
		;;
	esac
done
[ "$bad" = 0 ] || { echo "apply: nothing applied to $ksrc" >&2; exit 1; }

(cd "$tmp" && find . -type f) | while read -r f; do
	mkdir -p "$ksrc/$(dirname "$f")"
	cp "$tmp/$f" "$ksrc/$f"
done
echo "apply: $(echo "$files" | wc -w) overlay files applied to $ksrc (Linux $kver)" >&2
