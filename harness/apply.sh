#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Apply the overlay to an existing Linux 6.12 tree KSRC the way a distro
# builder would: patch -p1 for every NAME.patch, a copy for every new file.
# Everything is tried first (patch --dry-run, new files must not exist);
# the tree is only touched when all of it applies.
#
# usage: apply.sh KSRC
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${1:?usage: apply.sh KSRC}
. "$top/harness/series.sh"

[ -f "$ksrc/Makefile" ] && [ -d "$ksrc/kernel" ] ||
	{ echo "apply: $ksrc is not a kernel tree" >&2; exit 1; }
kver=$(make -s -C "$ksrc" kernelversion)
case $kver in
6.12|6.12.*) ;;
*) echo "apply: $ksrc is Linux $kver, the series is for 6.12" >&2; exit 1 ;;
esac

files=$(for i in $(seq 1 "$(series_count)"); do series_files "$i"; done | awk '!seen[$0]++')
bad=0
for f in $files; do
	case $f in
	*.patch)
		out=$(patch -d "$ksrc" -p1 -N -s --dry-run < "$top/$f" 2>&1) || {
			echo "apply: $f does not apply:" >&2
			echo "$out" | sed 's/^/apply:   /' >&2
			bad=1
		}
		;;
	*)
		[ ! -e "$ksrc/$f" ] || { echo "apply: $f exists already in $ksrc" >&2; bad=1; }
		;;
	esac
done
[ "$bad" = 0 ] || { echo "apply: nothing applied to $ksrc" >&2; exit 1; }

for f in $files; do
	case $f in
	*.patch)
		patch -d "$ksrc" -p1 -N -s < "$top/$f" || {
			echo "apply: FAILED on $f after the dry run passed: $ksrc is half-patched" >&2
			exit 1
		}
		;;
	*)
		mkdir -p "$ksrc/$(dirname "$f")"
		cp -p "$top/$f" "$ksrc/$f"
		;;
	esac
done
echo "apply: $(echo "$files" | wc -w) overlay files applied to $ksrc (Linux $kver)" >&2
