# SPDX-License-Identifier: GPL-2.0
# The ptrace(2) manual page of the man-pages project, as Debian's
# manpages-dev ships it.  Sourced by harness/companion.sh.

# What the companion patch documents: the rendered page must name each.
manpages_names=(PTRACE_ATTACH_NOSTOP PTRACE_NOSTOP_THREAD_GROUP PTRACE_O_TRACETHREADS
		PTRACE_NOSTOP_SYSCALL PTRACE_DETACH_NOSTOP PTRACE_REPORT_INTERRUPT
		PTRACE_REPORT PTRACE_EVENTMSG_REPORT EOPNOTSUPP)

# fetch DIR: DIR/man2/ptrace.2, laid out as in the man-pages project.
fetch() {
	local ver
	"$top/harness/deps.sh" manpages-dev
	ver=$(dpkg-query -W -f='${Version}' manpages-dev)
	mkdir -p "$1/man2"
	zcat "$(dpkg -L manpages-dev | grep '/man2/ptrace\.2\.gz$')" > "$1/man2/ptrace.2"
	echo "man-pages ${ver%-*} (Debian manpages-dev $ver)"
}

# check DIR: the page renders without a single warning, with groff -ww and
# with man(1) at 80 columns, and the rendered text names what it documents.
check() {
	local page=$1/man2/ptrace.2 warn text name missing=()
	"$top/harness/deps.sh" groff-base man-db
	local -x LC_ALL=C.UTF-8 MANWIDTH=80
	warn=$(groff -ww -t -man -Tutf8 -z "$page" 2>&1 &&
		man --warnings=w -P cat -l "$page" 2>&1 >/dev/null) ||
		warn+=$'\n'"man-pages: rendering $page failed"
	if [ -n "$warn" ]; then
		printf '%s\n' "$warn" >&2
		echo "man-pages: FAIL: $page has roff warnings"
		return 1
	fi
	text=$(man -P cat -l "$page")
	for name in "${manpages_names[@]}"; do
		grep -qw -- "$name" <<<"$text" || missing+=("$name")
	done
	if [ ${#missing[@]} != 0 ]; then
		echo "man-pages: FAIL: the rendered $page lacks ${missing[*]}"
		return 1
	fi
	echo "man-pages: ok: ptrace.2 renders without warnings (groff -ww, man at 80 columns), $(wc -l <<<"$text") lines, documents ${manpages_names[*]}"
}
