# SPDX-License-Identifier: GPL-2.0
# Readers of the series manifest; sourced by the other scripts.
#
# The manifest ("series" at the top of the overlay) lists the commits of
# the patch series in order.  Each entry starts with a line "%% <subject>",
# then "From:", "Date:" and one "File:" line per overlay file the commit
# touches, a blank line and the rest of the commit message.
#
# An overlay file NAME.patch holds, in series order, one section per commit
# that changes NAME; each section is a line "Series: <subject>" followed by
# the diff of that commit for NAME.  Applied in one go (patch -p1, git apply)
# it is the diff from the base file to the final one.  Any other overlay
# file is a new file, created whole by exactly one commit.

# OVERLAY is the folder of the overlay and its manifest: the repository
# for the mainline series, stable-6.12 for the backport.
ovl=$(cd "$top" && cd "${OVERLAY:-.}" && pwd)
series=$ovl/series
# Who authors and commits every commit of the kernel trees: the project.
series_author='Ptrace Nostop Developers <ptrace-nostop@example.org>'

series_count() { grep -c '^%% ' "$series" || true; }

# series_entry N: the lines of entry N, without its "%% " line
series_entry() {
	awk -v n="$1" '/^%% /{ i++; next } i == n' "$series"
}

series_subject() {
	awk -v n="$1" '/^%% /{ if (++i == n) { sub(/^%% /, ""); print; exit } }' "$series"
}

# One awk reads the whole manifest: a reader that stopped early would kill
# the writer of a pipe with SIGPIPE (exit 141 under pipefail).
series_header() {
	awk -v n="$1" -v k="$2:" '
		/^%% / { i++; hdr = (i == n); next }
		hdr && /^$/ { hdr = 0 }
		hdr && $1 == k { sub(/^[^:]*: */, ""); print }' "$series"
}

series_files() { series_header "$1" File; }

# series_message N: subject, blank line, body without trailing blank lines
series_message() {
	series_subject "$1"
	echo
	series_entry "$1" | awk '
		!body { if ($0 == "") body = 1; next }
		/^$/ { blank++; next }
		{ while (blank) { print ""; blank-- } print }'
}

# series_section FILE SUBJECT: that commit's diff of one overlay file
series_section() {
	awk -v s="Series: $2" '
		/^Series: / { on = ($0 == s); found += on; next }
		on { print }
		END { if (!found) exit 1 }' "$1"
}
