# SPDX-License-Identifier: GPL-2.0
# Sourced: set the variables of architecture $1 from the table harness/arches.
row=$(awk -v a="$1" '$1 == a' "$top/harness/arches")
[ -n "$row" ] || { echo "unknown architecture '$1' (see harness/arches)" >&2; exit 1; }
read -r _ KARCH CROSS IMAGE CONSOLE DEBARCH QEMU <<< "$row"
[ "$CROSS" = - ] && CROSS=
export KARCH CROSS IMAGE CONSOLE DEBARCH QEMU
