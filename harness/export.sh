#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Export the series of TREE (base..HEAD) as mail patches with a cover
# letter into OUT, authored and signed off by whoever exports: NAME and
# EMAIL, or git's user.name and user.email.  Check every patch with
# checkpatch.pl --strict.  The companion patches for other projects
# (companion/PROJECT) go, signed off the same way, to OUT/PROJECT.
#
# usage: [NAME=... EMAIL=...] export.sh TREE OUT
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/harness/series.sh"
tree=$(realpath "$1") out=$(realpath -m "$2")

name=${NAME:-$(git -C "$top" config user.name || true)}
email=${EMAIL:-$(git -C "$top" config user.email || true)}
if [ -z "$name" ] || [ -z "$email" ]; then
	echo "series: who signs off?  git config user.name and user.email, or make series NAME='Your Name' EMAIL=you@example.org" >&2
	exit 1
fi
# The manifest's authors are the project's alias; a sign-off (Developer's
# Certificate of Origin) is a person's.
if sed -n 's/^From: .*<\(.*\)>$/\1/p' "$series" | grep -xF "$email" >/dev/null; then
	echo "series: $email is the project's alias, not a person: set NAME= and EMAIL=" >&2
	exit 1
fi

# Rewrite the commits base..HEAD of repository $1 with the exporter as
# author and committer and the exporter's Signed-off-by; print the new head.
signed() {
	local c head
	head=$(git -C "$1" rev-parse base)
	for c in $(git -C "$1" rev-list --reverse base..HEAD); do
		head=$(git -C "$1" log -1 --format=%B "$c" |
			git -C "$1" interpret-trailers --if-exists addIfDifferent \
				--trailer "Signed-off-by: $name <$email>" |
			GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email \
			GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email \
			GIT_AUTHOR_DATE=$(git -C "$1" log -1 --format=%ad --date=raw "$c") \
			git -C "$1" commit-tree "$c^{tree}" -p "$head")
	done
	echo "$head"
}

# What a reviewer does: git am the patches on the base of repository $1
# (in a sparse worktree $2) and get the tree of commit $3.
am_check() {
	local repo=$1 wt=$2 want=$3
	shift 3
	git -C "$repo" worktree remove -f "$wt" 2>/dev/null || rm -rf "$wt"
	git -C "$repo" worktree prune
	git -C "$repo" worktree add -q --no-checkout --detach "$wt" base
	git -C "$wt" sparse-checkout set --no-cone \
		$(git -C "$repo" diff --name-only base "$want" | sed 's|^|/|')
	git -C "$wt" checkout -q
	git -C "$wt" am -q "$@" ||
		{ echo "series: git am fails on the base of $repo" >&2; exit 1; }
	[ "$(git -C "$wt" rev-parse "HEAD^{tree}")" = "$(git -C "$repo" rev-parse "$want^{tree}")" ] ||
		{ echo "series: git am of the patches does not give the tree of $repo" >&2; exit 1; }
	git -C "$repo" worktree remove -f "$wt"
}

rm -rf "$out"
mkdir -p "$out"
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
head=$(signed "$tree")
git -C "$tree" format-patch -q --cover-letter --base=base --thread=shallow \
	-o "$out" "base..$head"
cover=$(ls "$out"/0000-*.patch)
kver=$(git -C "$tree" log -1 --format=%s base)
subject=$(head -n1 "$ovl/cover-letter.txt")
{
	tail -n +3 "$ovl/cover-letter.txt"
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
			grep '(maintainer:' >/dev/null || return 0
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
am_check "$tree" "$top/build/am-check" "$head" $(ls "$out"/0*.patch | grep -v "$cover")
echo "series: $(ls "$out"/*.patch | wc -l) patches in $out signed off by $name <$email>, checkpatch --strict clean, git am applies them" >&2

# The companions go with the mainline series only.
[ "$ovl" = "$top" ] || exit 0
shopt -s nullglob
for d in "$top"/companion/*/; do
	project=$(basename "$d")
	ctree=$top/build/companion/$project
	"$top/harness/companion.sh" "$project" tree "$ctree"
	head=$(signed "$ctree")
	# RFC until the kernel interface is in mainline (harness/companion.sh)
	git -C "$ctree" format-patch -q --base=base --subject-prefix="RFC PATCH" \
		-o "$out/$project" "base..$head"
	am_check "$ctree" "$top/build/am-check-$project" "$head" "$out/$project"/*.patch
	echo "series: $(ls "$out/$project"/*.patch | wc -l) $project patches in $out/$project" >&2
done
