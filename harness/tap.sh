#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Judge the console LOG of one QEMU run of kernel NAME (ARCH-KIND): print its
# TAP, count the test cases, and fail on any unexpected "not ok", a missing
# or short plan, a binary that failed without a known reason, a kernel
# BUG/WARNING/lockdep/KASAN report, a case of harness/must-run that skipped
# or did not run, or a run that did not finish.  Writes
# "passed failed skipped known" to LOG.totals.
#
# usage: tap.sh LOG NAME
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$1 kind=$2

awk -v kind="$kind" -v totals="$log.totals" -v kf="$top/harness/known-failures" \
	-v mr="$top/harness/must-run" -v reports="$(cat "$top/harness/kernel-reports")" '
# The cases of list file @file that apply to this kernel, with their reason.
function load(file, set,	l, f, reason, n, pat, i, re) {
	while ((getline l < file) > 0) {
		if (l ~ /^#/ || l ~ /^[ \t]*$/) continue
		split(l, f, /[ \t]+/)
		reason = l
		sub(/^[^ \t]+[ \t]+[^ \t]+[ \t]+/, "", reason)
		n = split(f[2], pat, ",")
		for (i = 1; i <= n; i++) {
			re = pat[i]
			gsub(/\*/, ".*", re)
			if (kind ~ ("^" re "$"))
				set[f[1]] = reason
		}
	}
}
BEGIN { load(kf, known); load(mr, must) }
{ sub(/\r$/, "") }
/^kselftest: done/ { done = 1 }
$0 ~ reports {
	print "KERNEL: " $0; kernel++; next
}
/^TAP version 13$/ || /^(not )?ok [0-9]+ / || /^# / { print }
/^1\.\.[0-9]+$/ { plan = substr($0, 4) + 0; print; next }
/^# selftests: / { split($0, w, /: /); bin = w[2] ":" w[3]; nplan = -1; ncase = 0; next }
/^# 1\.\.[0-9]+$/ { nplan = substr($0, 6) + 0; next }
/^# (not )?ok [0-9]+ / {
	line = substr($0, 3); bad = sub(/^not /, "", line)
	sub(/^ok [0-9]+ /, "", line)
	dir = ""
	if (match(line, / # /)) { dir = substr(line, RSTART + 3); line = substr(line, 1, RSTART - 1) }
	ncase++
	id = bin ":" line
	if (id in must) { ran[id] = 1; if (dir ~ /^SKIP/) { fail++; binfail[bin]++; print "FAILED: " id ": skipped, but must run here: " must[id]; next } }
	if (dir ~ /^SKIP/) skip++
	else if (dir ~ /^XFAIL/) xfail++
	else if (!bad) pass++
	else if (id in known) { xfail++; binknown[bin]++; print "KNOWN FAILURE: " id ": " known[id] }
	else { fail++; binfail[bin]++; print "FAILED: " id }
	next
}
/^(not )?ok [0-9]+ selftests: / {
	top++
	if (ncase == 0) {
		# not a kselftest_harness test: the binary is the one case
		if ($0 ~ / # SKIP/) skip++
		else if ($1 != "not") pass++
		else if (bin in known) { xfail++; print "KNOWN FAILURE: " bin ": " known[bin] }
		else { fail++; print "FAILED: " bin }
	} else if ($1 == "not" && !(binfail[bin] == 0 && binknown[bin] > 0 && ncase == nplan)) {
		if (!binfail[bin]) { fail++; print "FAILED: " bin " (" $0 ")" }
	}
}
END {
	if (!done) { print "RUN: the guest did not finish (no \"kselftest: done\")"; fail++ }
	if (plan == 0 || top != plan) { print "RUN: plan 1.." plan " but " top " results"; fail++ }
	if (kernel) { print "RUN: " kernel " kernel report line(s) in the console"; fail++ }
	for (id in must) if (!(id in ran)) { print "FAILED: " id ": did not run, but must run here: " must[id]; fail++ }
	printf "%d %d %d %d\n", pass, fail, skip, xfail > totals
	printf "%s: %d passed, %d failed, %d skipped, %d known failures\n", kind, pass, fail, skip, xfail
	exit fail > 0
}' "$log"
