#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judge the console LOG of a "make stress" run: print what the stress
# program said and any kernel report (harness/kernel-reports), and fail
# unless it exited 0 with no kernel report in the console.
#
# usage: stress.sh LOG
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
console=$(tr -d '\r' < "$1")

sed -n '/^run: ptrace\/stress$/,/^run: ptrace\/stress exited/p' <<<"$console" |
	grep -v '^\['
reports=$(grep -E "$(cat "$top/harness/kernel-reports")" <<<"$console" || true)
if [ -n "$reports" ]; then
	echo "$reports" | sed 's/^/KERNEL: /'
	echo "stress: $(echo "$reports" | wc -l) kernel report line(s) in the console" >&2
	exit 1
fi
grep -q '^run: ptrace/stress exited 0$' <<<"$console" ||
	{ echo "stress: the stress failed, or did not finish" >&2; exit 1; }
echo "stress: passed, no kernel report"
