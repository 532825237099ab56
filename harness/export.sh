#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the series of TREE (base..HEAD) as mail patches with a cover
# letter into OUT, and check every patch with checkpatch.pl --strict.
#
# usage: export.sh TREE OUT
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$1 out=$2

rm -rf "$out"
mkdir -p "$out"
git -C "$tree" format-patch -q --cover-letter --base=base --thread=shallow \
	-o "$(realpath "$out")" base..HEAD
cover=$(ls "$out"/0000-*.patch)
kver=$(git -C "$tree" log -1 --format=%s base)
subject=$(head -n1 "$top/cover-letter.txt")
{
	tail -n +3 "$top/cover-letter.txt"
	echo
	echo "Base: $kver."
} > "$out/blurb"
awk -v s="$subject" -v b="$out/blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, s) }
	/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < b) > 0) print l; next }
	{ print }' "$cover" > "$cover.new"
mv "$cover.new" "$cover"
rm "$out/blurb"

bad=0
for p in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "$p" = "$cover" ] && continue
	res=$(cd "$tree" && scripts/checkpatch.pl --strict -q "$p" 2>&1) || true
	if [ -n "$res" ]; then
		echo "checkpatch: $(basename "$p"):" >&2
		echo "$res" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] || exit 1
echo "series: $(($(ls "$out" | wc -l) - 1)) patches in $out, checkpatch --strict clean" >&2
