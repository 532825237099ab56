# SPDX-License-Identifier: GPL-2.0
# The strace companion (sourced by harness/companion.sh, which sets $top):
# the source of Debian's strace package, and a build of the patched tree
# that runs the new decoder test and strace's other ptrace decoder tests.

strace_dl=$top/build/strace-src
strace_tests="ptrace_nostop ptrace_nostop-Xabbrev ptrace_nostop-Xraw
	ptrace_nostop-Xverbose ptrace ptrace-Xabbrev ptrace-Xraw ptrace-Xverbose"
# tests/NAME.test, not generated, and the programs they run: attach-nostop
# and the others skip on a kernel without PTRACE_ATTACH_NOSTOP
# (harness/strace-qemu.sh runs them on the patched one), attach-nostop-old
# runs on every kernel.
strace_misc_tests="attach-nostop attach-nostop-old attach-nostop-traced
	attach-nostop-vfork attach-nostop-zombie"
strace_misc_progs="attach-nostop attach-nostop-vfork set_ptracer_any"

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

# configure [ARG...]: strace's configure in the current folder, as every
# build here has it; dash runs its 500 checks in 2/3 of bash's time.
configure() {
	CONFIG_SHELL=/bin/dash /bin/dash ./configure -q --disable-mpers \
		--enable-stacktrace=no --without-libselinux "$@" >&2
}

# prepare DIR BUILD [CONFIGURE_ARG...]: BUILD, the tree DIR bootstrapped
# and configured, its generated files regenerated there (the git tree stays
# clean).  Then in BUILD, at the lowest priority.
prepare() {
	local b=$2 base f
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
	shift 2

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
		configure "$@"
	fi
}

# Build the tree DIR in DIR.build and run the tests in $strace_tests and
# $strace_misc_tests.
check() (
	local t f pass=0 fail=0 skip=0 tests progs runs
	tests=$(echo $strace_tests $strace_misc_tests)
	progs=$(echo $strace_tests $strace_misc_progs)
	runs=$(printf '%s.gen.test ' $strace_tests; printf '%s.test ' $strace_misc_tests)
	prepare "$1" "$1.build" CFLAGS='-O0 -g0'

	make -s -j2 -C src >&2
	make -s -j2 -C tests libtests.a $progs >&2
	for f in $runs; do
		rm -f "tests/${f%.test}.log" "tests/${f%.test}.trs"
	done
	# check-TESTS would build every check program, ~1200: only ours.
	make -s -C tests check-TESTS check_PROGRAMS="$progs" TESTS="$runs" \
		>&2 || true
	for f in $runs; do
		f=tests/${f%.test}
		if grep -q '^:test-result: PASS' "$f.trs" 2>/dev/null; then
			pass=$((pass + 1))
		elif grep -q '^:test-result: SKIP' "$f.trs" 2>/dev/null; then
			skip=$((skip + 1))
		else
			fail=$((fail + 1))
			cat "$f.log" >&2 || true
		fi
	done
	echo "strace: $pass passed, $fail failed, $skip skipped ($tests)"
	[ "$fail" = 0 ]
)

# static DIR OUT [PROGRAM...]: static builds of strace for the QEMU tests:
# OUT/stock, stock strace (the base of the tree DIR), and OUT/patched, the
# tree DIR with the test PROGRAMs of tests/; both in the layout of a build
# tree (src/strace, tests/), without the objects.
static() (
	local dir=$1 out=$2 b base
	shift 2
	mkdir -p "$out"
	# stock: the release tarball is bootstrapped already
	b=$dir.static-base
	base=$(git -C "$dir" rev-parse base)
	if [ "$(cat "$b/.rev" 2>/dev/null)" != "$base" ]; then
		rm -rf "$b"
		mkdir -p "$b"
		git -C "$dir" archive base | tar -x -C "$b"
		echo "$base" > "$b/.rev"
	fi
	(
		cd "$b"
		renice -n 19 -p "$BASHPID" >/dev/null
		mkdir -p debian
		[ -e debian/changelog.in ] || : > debian/changelog.in
		[ -e config.status ] || configure LDFLAGS=-static CFLAGS='-O2 -g0'
		make -s -j2 -C src >&2
	)
	rm -rf "$out/stock"
	mkdir -p "$out/stock/src"
	cp "$b/src/strace" "$out/stock/src/"

	prepare "$dir" "$dir.static" LDFLAGS=-static CFLAGS='-O2 -g0'
	make -s -j2 -C src >&2
	make -s -j2 -C tests libtests.a "$@" >&2
	rm -rf "$out/patched"
	mkdir -p "$out/patched/src" "$out/patched/tests"
	cp src/strace "$out/patched/src/"
	cp src/config.h "$out/patched/src/"
	(cd tests && cp ./*.sh ./*.test ./*.expected ./*.awk "$@" \
		"$out/patched/tests/")
)
