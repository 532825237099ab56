#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the series of TREE (base..HEAD) as mail patches with a cover
# letter into OUT, and check every patch with checkpatch.pl --strict.
#
# usage: export.sh TREE OUT
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$(realpath "$1") out=$(realpath -m "$2")

rm -rf "$out"
mkdir -p "$out"
git -C "$tree" format-patch -q --cover-letter --base=base --thread=shallow \
	-o "$out" base..HEAD
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

# checkpatch asks whether MAINTAINERS needs updating for every new file;
# that is settled when get_maintainer.pl finds a maintainer for each.
ignore() {
	local f
	for f in $(awk '/^diff --git /{ f = $4; sub(/^b\//, "", f) } /^new file mode/{ print f }' "$1"); do
		(cd "$tree" && scripts/get_maintainer.pl --no-git --no-git-fallback -f "$f") |
			grep -q '(maintainer:' || return 0
	done
	echo "--ignore FILE_PATH_CHANGES"
}

bad=0
for p in "$out"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ "$p" = "$cover" ] && continue
	res=$(cd "$tree" && PATH=/usr/bin:$PATH scripts/checkpatch.pl --strict -q $(ignore "$p") "$p" 2>&1) || true
	if [ -n "$res" ]; then
		echo "checkpatch: $(basename "$p"):" >&2
		echo "$res" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] || exit 1
echo "series: $(($(ls "$out" | wc -l) - 1)) patches in $out, checkpatch --strict clean" >&2
