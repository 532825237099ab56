#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Add up the per-kernel totals of tap.sh, check that the legacy-semantics
# test gave the same result per case on every kernel, and print the closing
# line "N passed, N failed, N skipped" (known failures count as skipped).
# Every failure of tap.sh is repeated here with the output of its case, so
# that the tail of a CI log names what failed.
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

# The legacy tests: their cases must have passed and match across kernels.
# legacy LOG BINARY: the case results of BINARY in LOG
legacy() {
	tr -d '\r' < "$1" |
		awk -v b="$2" '/^# selftests: /{ on = $NF == b } on && /^# (not )?ok [0-9]+ /' |
		sed 's/^# //'
}

# same BINARY LOG...: BINARY ran in every LOG, with the same results
same() {
	local bin=$1 first= log bad=0
	shift
	for log in "$@"; do
		if [ -z "$(legacy "$log" "$bin")" ]; then
			echo "summary: no $bin results in $log" >&2
			bad=$((bad + 1))
		elif [ -z "$first" ]; then
			first=$log
		elif ! diff <(legacy "$first" "$bin") <(legacy "$log" "$bin") >&2; then
			echo "summary: $bin differs between $first and $log" >&2
			bad=$((bad + 1))
		fi
	done
	f=$((f + bad))
	[ -z "$first" ] || [ "$bad" != 0 ] ||
		echo "$bin: $(legacy "$first" "$bin" | grep -c '^ok') cases, identical on $# kernels"
}

# recap LOG: the failures tap.sh found in LOG, each with the output of its
# case (none for a failure of a whole binary or run)
recap() {
	local tap=${1%.log}.tap
	[ -f "$tap" ] || return 0
	awk -v kind="$(basename "$1" .log)" '
	/^# selftests: / || /^# #  RUN / { n = 0 }
	/^# # / { if (n < 40) buf[n++] = $0 }
	/^(FAILED|RUN|KERNEL): / {
		print "=== " kind ": " $0
		for (i = 0; i < n; i++) print buf[i]
		n = 0
	}' "$tap"
}

logs=() x86=()
for log in "$@"; do
	[ -f "$log" ] || continue
	# harness/strace-qemu.sh's runs have totals, no selftests
	case $(basename "$log") in strace-qemu-*) continue ;; esac
	logs+=("$log")
	case $(basename "$log") in *x86_64-*) x86+=("$log") ;; esac
done
for log in "${logs[@]}"; do recap "$log"; done
same legacy_semantics "${logs[@]}"
# i386 binary on the x86_64 kernels: the compat entry (harness/build.sh)
[ "${#x86[@]}" = 0 ] || same legacy_semantics_32 "${x86[@]}"
[ "$k" = 0 ] || echo "($k known failures, listed above, are counted as skipped)"
echo "$p passed, $f failed, $((s + k)) skipped"
[ "$f" = 0 ]
