#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The companion patches of the series for other projects (the ptrace(2)
# man page, strace).  companion/PROJECT/ holds the project's patches as
# 'git format-patch' writes them, against the source Debian ships;
# harness/companion/PROJECT.sh defines fetch DIR (put the pristine source
# in DIR, print what it is) and check DIR (build or render the patched
# source in DIR and run its tests).
#
#   companion.sh PROJECT tree DIR    git tree of the source in DIR, tag base,
#                                    the patches as commits on top
#   companion.sh PROJECT export DIR  rewrite companion/PROJECT from the
#                                    commits base..HEAD of DIR
#   companion.sh PROJECT check DIR   tree, then check
set -euo pipefail
shopt -s nullglob
top=$(cd "$(dirname "$0")/.." && pwd)
project=$1 cmd=$2 dir=$(realpath -m "$3")
patches=$top/companion/$project
. "$top/harness/companion/$project.sh"
# The base commit is the same on every machine; the patches keep their
# authors, the committer is fixed.
export GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@invalid
export GIT_COMMITTER_DATE=2000-01-01T00:00:00Z

sum() { cat "$patches"/*.patch "$top/harness/companion/$project.sh" | md5sum; }

tree() {
	# Up to date: keep it, and what was built in it.
	[ -d "$dir/.git" ] && [ "$(sum)" = "$(cat "$dir/.git/companion-sum" 2>/dev/null)" ] &&
		[ "$(git -C "$dir" rev-parse HEAD)" = "$(git -C "$dir" rev-parse -q --verify refs/companion/last)" ] &&
		[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] && return 0
	if [ -d "$dir/.git" ] && [ -z "${FORCE:-}" ]; then
		head=$(git -C "$dir" rev-parse HEAD)
		last=$(git -C "$dir" rev-parse -q --verify refs/companion/last || true)
		[ "$head" = "$last" ] || [ "$head" = "$(git -C "$dir" rev-parse base)" ] || {
			echo "companion: $dir has commits not exported to companion/$project; run export, or FORCE=1" >&2
			exit 1
		}
		[ -n "$(git -C "$dir" status --porcelain --untracked-files=no)" ] && {
			echo "companion: $dir has uncommitted changes; commit and export them, or FORCE=1" >&2
			exit 1
		}
	fi
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	desc=$(fetch "$dir.tmp")
	git -C "$dir.tmp" init -q -b companion
	git -C "$dir.tmp" add -A -f
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@invalid \
		GIT_AUTHOR_DATE=$GIT_COMMITTER_DATE \
		git -C "$dir.tmp" commit -q -m "$desc"
	git -C "$dir.tmp" tag base
	ps=("$patches"/*.patch)
	for p in "${ps[@]}"; do
		git -C "$dir.tmp" am -q --keep-cr "$p" ||
			{ echo "companion: $p does not apply to $desc" >&2; exit 1; }
	done
	git -C "$dir.tmp" update-ref refs/companion/last HEAD
	sum > "$dir.tmp/.git/companion-sum"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	set -- "$patches"/*.patch
	echo "companion: $dir: $desc, $# patches" >&2
}

# One tree() at a time: make check wants the strace tree for its host
# check and for strace-qemu at once, and both would rebuild a stale one.
locked_tree() {
	mkdir -p "$(dirname "$dir")"
	(flock 9 && tree) 9> "$dir.lock"
}

case $cmd in
tree)
	locked_tree
	;;
export)
	[ -z "$(git -C "$dir" status --porcelain --untracked-files=no)" ] ||
		{ echo "companion: $dir has uncommitted changes" >&2; exit 1; }
	rm -f "$patches"/*.patch
	mkdir -p "$patches"
	# RFC: strace and man-pages take a kernel interface once it is in
	# mainline.
	git -C "$dir" format-patch -q --zero-commit --no-signature \
		--subject-prefix="RFC PATCH" -o "$patches" base..HEAD
	git -C "$dir" update-ref refs/companion/last HEAD
	printf '%s\n' "$patches"/*.patch
	;;
check)
	locked_tree
	check "$dir"
	;;
*)
	echo "usage: companion.sh PROJECT tree|export|check DIR" >&2
	exit 2
	;;
esac
