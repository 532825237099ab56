#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn the overlay into the git branch "series" of the kernel tree TREE:
# one commit per entry of the series manifest, on top of the tag "base".
# Commits are made in a scratch index, so files whose content does not
# change keep their timestamps and kernel builds stay incremental.
#
# usage: tree.sh BASE TREE      (FORCE=1 discards unexported work in TREE)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
base=$1 tree=$(realpath -m "$2")
. "$top/harness/series.sh"

[ -d "$tree" ] || git -C "$base" worktree add -q -B series "$tree" base
export GIT_DIR
GIT_DIR=$(git -C "$tree" rev-parse --absolute-git-dir)
# Whoever edits the tree commits as the project (harness/overlay.sh checks).
git config user.name "${series_author% <*}"
git config user.email "$(echo "$series_author" | sed 's/.*<\(.*\)>/\1/')"
git -C "$tree" symbolic-ref -q HEAD >/dev/null ||
	{ echo "tree: $tree is not on a branch" >&2; exit 1; }

head=$(git rev-parse HEAD)
last=$(git rev-parse -q --verify refs/overlay/last || true)
if [ -z "${FORCE:-}" ]; then
	if [ -n "$(git -C "$tree" status --porcelain --untracked-files=no)" ]; then
		echo "tree: $tree has uncommitted changes; commit them and run 'make overlay', or FORCE=1" >&2
		exit 1
	fi
	if [ "$head" != "$(git rev-parse base)" ] && [ "$head" != "$last" ]; then
		echo "tree: $tree has commits that are not in the overlay; run 'make overlay' first, or FORCE=1" >&2
		exit 1
	fi
fi

idx=$GIT_DIR/overlay-index
trap 'rm -f "$idx" "$GIT_DIR/overlay-msg"' EXIT
export GIT_INDEX_FILE=$idx
git read-tree base
commit=$(git rev-parse base)
n=$(series_count)
for i in $(seq 1 "$n"); do
	for f in $(series_files "$i"); do
		case $f in
		*.patch)
			series_section "$ovl/$f" "$(series_subject "$i")" |
				git apply --cached -p1 ||
				{ echo "tree: $f does not apply in commit $i" >&2; exit 1; }
			;;
		*)
			git cat-file -e ":$f" 2>/dev/null &&
				{ echo "tree: new file $f exists already" >&2; exit 1; }
			mode=100644
			[ -x "$ovl/$f" ] && mode=100755
			git update-index --add --cacheinfo \
				"$mode,$(git hash-object -w "$ovl/$f"),$f"
			;;
		esac
	done
	series_message "$i" > "$GIT_DIR/overlay-msg"
	author=$(series_header "$i" From)
	email=${author##*<} email=${email%>}
	date=$(series_header "$i" Date)
	commit=$(GIT_AUTHOR_NAME=${author% <*} GIT_AUTHOR_EMAIL=$email \
		GIT_COMMITTER_NAME=${author% <*} GIT_COMMITTER_EMAIL=$email \
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
		git commit-tree "$(git write-tree)" -p "$commit" -F "$GIT_DIR/overlay-msg")
done
unset GIT_INDEX_FILE

git update-ref refs/overlay/last "$commit"
[ "$head" = "$commit" ] && exit 0
[ "$head" != "$last" ] && [ "$head" != "$(git rev-parse base)" ] &&
	git update-ref refs/heads/series-prev "$head"
# Only files that differ are rewritten.
git -C "$tree" reset -q --keep "$commit" 2>/dev/null ||
	git -C "$tree" reset -q --hard "$commit"
echo "tree: $tree is at $(git log -1 --format='%h %s' "$commit")" >&2
