# SPDX-License-Identifier: GPL-2.0
# The strace companion (sourced by harness/companion.sh, which sets $top):
# the source of Debian's strace package, and a build of the patched tree
# that runs the new decoder test and strace's other ptrace decoder tests.

strace_dl=$top/build/strace-src
strace_tests="ptrace_nostop ptrace_nostop-Xabbrev ptrace_nostop-Xraw
	ptrace_nostop-Xverbose ptrace ptrace-Xabbrev ptrace-Xraw ptrace-Xverbose"

# DIR: Debian's strace source with Debian's patches, without debian/.
fetch() {
	local dsc ver
	"$top/harness/deps.sh" dpkg-dev
	"$top/harness/debsrc.sh" strace "$strace_dl"
	dsc=$(ls "$strace_dl"/strace_*.dsc)
	ver=$(sed -n 's/^Version: //p' "$dsc")
	rm -rf "$1/x"
	dpkg-source -q -x "$dsc" "$1/x" >&2
	rm -rf "$1/x/debian" "$1/x/.pc"
	(shopt -s dotglob && mv "$1/x"/* "$1")
	rmdir "$1/x"
	echo "strace ${ver%-*} (Debian strace $ver)"
}

# Build the tree DIR in DIR.build, the generated files regenerated there
# (the git tree stays clean), and run the tests in $strace_tests.
check() (
	local b=$1.build base f t pass=0 fail=0 tests
	tests=$(echo $strace_tests)
	"$top/harness/deps.sh" gcc make libc6-dev autoconf automake gawk rsync
	export LC_ALL=C
	# Every compile, configure's too, at the lowest priority.
	renice -n 19 -p "$BASHPID" >/dev/null
	# A new base: a new build.  Then copy the files the patches change,
	# now or at the last run, when they differ, with a new mtime: what
	# they touch is remade, what is regenerated below stays.
	base=$(git -C "$1" rev-parse base)
	if [ "$(cat "$b/.base" 2>/dev/null)" != "$base" ]; then
		rm -rf "$b"
		rsync -a --exclude=.git "$1/" "$b/"
		echo "$base" > "$b/.base"
	fi
	git -C "$1" diff --no-renames --name-only base HEAD > "$b/.patched.new"
	touch "$b/.patched"
	sort -u "$b/.patched.new" "$b/.patched" | while read -r f; do
		if [ ! -e "$1/$f" ]; then
			rm -f "$b/$f"
		elif ! cmp -s "$1/$f" "$b/$f"; then
			mkdir -p "$(dirname "$b/$f")"
			cp "$1/$f" "$b/$f"
		fi
	done
	mv "$b/.patched.new" "$b/.patched"
	cd "$b"

	# strace's ./bootstrap, which the release tarball lacks, by hand:
	# xlat/gen.sh only for the xlat/*.in changed (all 700 take minutes),
	# xlat/Makemodule.am by gen.sh's own gen_make.
	for f in src/xlat/*.in; do
		if [ "$f" -nt "${f%.in}.h" ]; then
			src/xlat/gen.sh "$f" "${f%.in}.h"
		fi
	done
	eval "$(sed -n '/^gen_make()/,/^}/p' src/xlat/gen.sh)"
	gen_make src/xlat/Makemodule.am.new $(cd src/xlat &&
		for f in *.in; do echo "${f%.in}"; done) 2>/dev/null
	if cmp -s src/xlat/Makemodule.am.new src/xlat/Makemodule.am; then
		rm src/xlat/Makemodule.am.new
	else
		mv src/xlat/Makemodule.am.new src/xlat/Makemodule.am
	fi
	if [ tests/pure_executables.list -nt tests/pure_executables.am ]; then
		tests/gen_pure_executables.sh
	fi
	if [ tests/gen_tests.in -nt tests/gen_tests.am ]; then
		tests/gen_tests.sh
	fi
	# fetch dropped debian/, configure.ac still writes debian/changelog.
	mkdir -p debian
	[ -e debian/changelog.in ] || : > debian/changelog.in
	if [ ! -e .autoreconf.stamp ] || [ -n "$(find . \( -name '*.am' -o \
	     -name '*.m4' -o -name configure.ac \) -newer .autoreconf.stamp \
	     -print -quit)" ]; then
		cp -p configure configure.old
		autoreconf -f -i > autoreconf.log 2>&1 ||
			{ cat autoreconf.log >&2; exit 1; }
		# The same configure: no need to run it again.
		! cmp -s configure configure.old || touch -r configure.old configure
		touch .autoreconf.stamp
	fi
	if [ ! -e config.status ] || [ configure -nt config.status ]; then
		# dash runs its 500 checks in 2/3 of bash's time
		CONFIG_SHELL=/bin/dash /bin/dash ./configure -q \
			--disable-mpers --enable-stacktrace=no \
			--without-libselinux CFLAGS='-O0 -g0' >&2
	fi

	make -s -j2 -C src >&2
	make -s -j2 -C tests libtests.a $tests >&2
	for t in $tests; do
		rm -f "tests/$t.gen.log" "tests/$t.gen.trs"
	done
	# check-TESTS would build every check program, ~1200: only ours.
	make -s -C tests check-TESTS check_PROGRAMS="$tests" \
		TESTS="$(printf '%s.gen.test ' $tests)" \
		>&2 || true
	for t in $tests; do
		if grep -q '^:test-result: PASS' "tests/$t.gen.trs" 2>/dev/null; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			cat "tests/$t.gen.log" >&2 || true
		fi
	done
	echo "strace: $pass passed, $fail failed ($tests)"
	[ "$fail" = 0 ]
)
