#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In the guest: stock against patched strace -f -p on 1000 threads.
d=$(cd "$(dirname "$0")" && pwd)
"$d/strace-bench" 1000 "$d/stock/src/strace" "$d/patched/src/strace"
