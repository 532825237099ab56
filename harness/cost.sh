#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compare the entry_bench lines of QEMU consoles of the unpatched (base)
# and the patched kernel: per operation, the median of each kernel's runs
# and the ratio patched / base.
#
# usage: cost.sh BASE-LOG... -- PATCHED-LOG...
set -euo pipefail
base=() patched=() side=base
for a in "$@"; do
	[ "$a" = -- ] && { side=patched; continue; }
	if [ "$side" = base ]; then base+=("$a"); else patched+=("$a"); fi
done
# values LOG... KEY: KEY's value of every entry_bench line, one per line
values() {
	local key=${*: -1}
	tr -d '\r' < <(cat "${@:1:$#-1}") |
		sed -n "s/^entry_bench: .*\\b$key=\\([0-9]*\\).*/\\1/p"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
printf '%-14s %10s %10s %8s\n' operation base patched ratio
bad=0
for key in getppid_ns signal_ns fork_exit_us; do
	b=$(values "${base[@]}" "$key" | median)
	p=$(values "${patched[@]}" "$key" | median)
	if [ -z "$b" ] || [ -z "$p" ]; then
		echo "cost: no $key in the logs" >&2
		bad=1
		continue
	fi
	printf '%-14s %10s %10s %8s\n' "$key" "$b" "$p" \
		"$(awk -v b="$b" -v p="$p" 'BEGIN { printf "%.3f", p / b }')"
done
echo "($(values "${base[@]}" getppid_ns | wc -l) runs of each kernel, medians of their medians)"
exit $bad
