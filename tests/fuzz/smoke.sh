#!/bin/sh
# smoke.sh: run every libFuzzer target of a fuzzing build for a while and
# report executions and crashes (CI).  The build must come from
#   ./configure --enable-fuzzing CC=clang \
#     CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined" \
#     LDFLAGS="-fsanitize=fuzzer-no-link,address,undefined"
#   make
# Each target starts from its seed corpus (tests/fuzz/corpus/NAME, read
# only); new inputs and crash files go under OUT/NAME/ (default
# BUILDDIR/tests/out/fuzz-smoke).  To keep a new input as a seed, copy it
# into the corpus; every crash found becomes a seed once fixed.
#
# usage: smoke.sh [-t SECONDS] [-o OUT] [BUILDDIR [NAME ...]]
#   SECONDS per target: -t, else $FUZZ_SECONDS, else 60.
#   BUILDDIR: else $PPTPD_BUILDDIR, else the current directory.
# Exit 0 if nothing crashed, 1 otherwise (or if there is nothing to run).
set -u
here=$(cd "$(dirname "$0")" && pwd)
secs=${FUZZ_SECONDS:-60}
out=
while getopts t:o: opt; do
	case $opt in
	t) secs=$OPTARG;;
	o) out=$OPTARG;;
	*) sed -n 's/^# usage: /usage: /p' "$0" >&2; exit 2;;
	esac
done
shift $((OPTIND - 1))
build=${1:-${PPTPD_BUILDDIR:-$(pwd)}}
[ $# -gt 0 ] && shift
only=" $* "
out=${out:-$build/tests/out/fuzz-smoke}
fail=0
n=0

for f in "$build"/tests/fuzz/fuzz_*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	name=${f##*/fuzz_}
	case $name in *.*) continue;; esac
	if [ "$only" != "  " ]; then
		case $only in *" $name "*) ;; *) continue;; esac
	fi
	n=$((n + 1))
	work=$out/$name
	rm -rf "$work"
	mkdir -p "$work/new" "$work/crash"
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$work/crash/" \
	    "$work/new" "$here/corpus/$name" >"$work/log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" |
	    tail -n 1)
	crashes=$(ls "$work/crash" | wc -l)
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		echo "ok $name: ${execs:-?} executions in ${secs}s," \
		    "$(ls "$work/new" | wc -l) new inputs, 0 crashes"
	else
		echo "FAIL $name: exit $rc, ${execs:-?} executions," \
		    "$crashes crash file(s) in $work/crash"
		tail -n 40 "$work/log"
		fail=1
	fi
done
if [ "$n" -eq 0 ]; then
	echo "no fuzz_* programs under $build/tests/fuzz:" \
	    "configure --enable-fuzzing CC=clang (see $0)"
	exit 1
fi
exit $fail
