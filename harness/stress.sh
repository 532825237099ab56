#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judge the console LOG of a "make stress" run: print what the stress
# program said and any kernel report (harness/kernel-reports), and fail
# unless it exited 0 with no kernel report in the console.
#
# usage: stress.sh LOG
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$1

tr -d '\r' < "$log" | sed -n '/^run: ptrace\/stress$/,/^run: ptrace\/stress exited/p' |
	grep -v '^\['
reports=$(tr -d '\r' < "$log" | grep -E "$(cat "$top/harness/kernel-reports")" || true)
if [ -n "$reports" ]; then
	echo "$reports" | sed 's/^/KERNEL: /'
	echo "stress: $(echo "$reports" | wc -l) kernel report line(s) in the console" >&2
	exit 1
fi
tr -d '\r' < "$log" | grep -q '^run: ptrace/stress exited 0$' ||
	{ echo "stress: the stress failed, or did not finish" >&2; exit 1; }
echo "stress: passed, no kernel report"
