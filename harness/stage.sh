#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run one stage of make check and print a progress line: how long the
# stage took and the time since the check started (CHECK_T0, seconds
# since the epoch).
#
# usage: stage.sh NAME COMMAND...
set -uo pipefail
name=$1
shift
t0=${CHECK_T0:-$(date +%s)} s=$(date +%s)
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
"$@"
rc=$?
e=$(date +%s)
res=done
[ "$rc" = 0 ] || res="FAILED ($rc)"
echo "check: [$(mmss $((e - t0)))] $name: $res in $(mmss $((e - s)))"
exit "$rc"
