#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build every commit of the series (base..series of the kernel tree TREE)
# for ARCH, kernel and ptrace selftests, in a worktree of its own so that
# TREE and its build stay as they are.  Incremental from one commit to
# the next.
#
# usage: bisect.sh ARCH TREE
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
arch=$1 tree=$(realpath "$2")
# The worktree and its build sit as TREE and its builds do (../../linux
# from the build folder): ccache, which sees paths relative to the build
# folder, then finds the objects a commit shares with the last build.
top_b=$(dirname "$tree")/bisect
wt=$top_b/$(basename "$tree") obj=$top_b/obj/$arch

git -C "$tree" worktree prune
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" base
mkdir -p "$obj"
n=0
for c in $(git -C "$tree" rev-list --reverse base..series); do
	n=$((n + 1))
	git -C "$wt" checkout -q --detach "$c"
	echo "bisect: $n $(git -C "$wt" log -1 --format=%s)" >&2
	"$top/harness/build.sh" "$arch" "$wt" "$obj" --selftests > "$obj.log" 2>&1 || {
		cat "$obj.log" >&2
		echo "bisect: commit $n does not build" >&2
		exit 1
	}
done
echo "bisect: all $n commits build for $arch" >&2
