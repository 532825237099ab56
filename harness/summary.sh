#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Add up the per-kernel totals of tap.sh, check that the legacy-semantics
# test gave the same result per case on every kernel, and print the closing
# line "N passed, N failed, N skipped" (known failures count as skipped).
#
# usage: summary.sh LOG...
set -euo pipefail
p=0 f=0 s=0 k=0
for log in "$@"; do
	if [ -f "$log.totals" ]; then
		read -r a b c d < "$log.totals"
	else
		echo "summary: no results for $log" >&2
		a=0 b=1 c=0 d=0
	fi
	p=$((p + a)) f=$((f + b)) s=$((s + c)) k=$((k + d))
done

# The legacy test: its cases must have passed and match across kernels.
legacy() {
	awk '/^# selftests: /{ on = /legacy_semantics/ } on && /^# (not )?ok [0-9]+ /' "$1" |
		tr -d '\r' | sed 's/^# //'
}
first=
for log in "$@"; do
	[ -f "$log" ] || continue
	if [ -z "$first" ]; then
		first=$log
		[ -n "$(legacy "$log")" ] || { echo "summary: no legacy_semantics results in $log" >&2; f=$((f + 1)); }
	elif ! diff <(legacy "$first") <(legacy "$log") >&2; then
		echo "summary: legacy_semantics differs between $first and $log" >&2
		f=$((f + 1))
	fi
done
[ -z "$first" ] || echo "legacy_semantics: $(legacy "$first" | grep -c '^ok') cases, identical on all kernels"
[ "$k" = 0 ] || echo "($k known failures, listed above, are counted as skipped)"
echo "$p passed, $f failed, $((s + k)) skipped"
[ "$f" = 0 ]
