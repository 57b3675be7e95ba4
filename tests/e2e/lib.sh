# tests/e2e/lib.sh: host side of the end-to-end test bed; sourced by the
# t_e2e_* tests and demo.sh.
#
# The scenarios (bed.sh) need a kernel with PPP.  If the host has one they run
# here in private namespaces ("direct"); otherwise in a user-mode-linux kernel
# (Debian's user-mode-linux package: linux.uml plus modules) booted on the
# host's root file system ("uml"); with neither they are skipped, loudly.
#
#   e2e_run "JOB..." TIMEOUT   run the jobs (SERVER:SCENARIO; a trailing "!"
#                              marks a known, expected failure, a trailing
#                              "~" a job run for the record only, whose
#                              result never fails the test); sets E2E_OUT
#   e2e_report                 print every job's result, and on failure its
#                              server and client logs; returns 0 if all passed
#
# Environment: PPTPD_SRCDIR, PPTPD_BUILDDIR (tests/run sets them),
# E2E_MEM (UML memory, default 512M), E2E_KEEP=1 keeps the work directory,
# E2E_MODE=uml|direct overrides the choice, E2E_PIN=no leaves UML unpinned,
# E2E_PAIR=1 boots two machines (e2e_pair_host; scenarios 1t and 1k only).

E2E_SRCDIR=${PPTPD_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
E2E_BUILDDIR=${PPTPD_BUILDDIR:-$E2E_SRCDIR}
E2E_UML=${E2E_UML:-/usr/bin/linux.uml}
E2E_UML_MODULES=${E2E_UML_MODULES:-/usr/lib/uml/modules}
E2E_WORK=
E2E_BG=

e2e_skip() {
	echo "*******************************************************************"
	echo "*** e2e: NOT RUN. $*"
	echo "*******************************************************************"
	echo "skipped: $*"
	exit 77
}

e2e_cleanup() {
	if [ -n "$E2E_BG" ]; then
		# the timeout process leads a process group holding the
		# sandbox's host side
		kill -9 -- "-$E2E_BG" 2>/dev/null
		E2E_BG=
	fi
	[ -n "$E2E_WORK" ] && e2e_kill_uml
	if [ -n "$E2E_WORK" ] && [ "${E2E_KEEP:-0}" != 1 ]; then
		rm -rf "$E2E_WORK"
	elif [ -n "$E2E_WORK" ]; then
		echo "e2e: work directory kept: $E2E_WORK"
	fi
}

# e2e_kill_uml: every UML kernel this sandbox started, with its session
# (its processes), if it still runs: a sandbox that timed out, or a test
# killed from outside
e2e_kill_uml() {
	for _f in "$E2E_WORK"/uml*.pid; do
		[ -f "$_f" ] || continue
		_p=$(cat "$_f")
		case $(tr '\0' ' ' 2>/dev/null <"/proc/$_p/cmdline") in
		"$E2E_WORK/linux.uml "*) kill -9 -- "-$_p" "$_p" 2>/dev/null ;;
		esac
		rm -f "$_f"
	done
}

e2e_host_has_ppp() {
	[ -d /sys/module/ppp_generic ] || modprobe -q ppp_generic 2>/dev/null
}

# e2e_check_tools: what bed.sh runs, on the host (UML uses the host's files)
e2e_check_tools() {
	[ "$(id -u)" = 0 ] || e2e_skip "needs root (network namespaces, pppd)"
	for t in pppd pptp ip tc iperf3 nc iptables-legacy perl sha256sum \
	    timeout unshare ss; do
		command -v "$t" >/dev/null 2>&1 ||
		    PATH=/usr/sbin:/sbin:$PATH command -v "$t" >/dev/null 2>&1 ||
		    e2e_skip "$t not installed (see .ci/run for the packages)"
	done
}

# e2e_uml_kernel DEST: a copy of linux.uml that runs on this CPU.
# Debian's 6.1 UML moves its processes' FPU state with PTRACE_SETREGSET
# NT_X86_XSTATE of a fixed size (2696 bytes); hosts whose XSAVE area is larger
# (AMX) refuse that with EFAULT and UML panics at the first process.  The copy
# gets one byte changed so its xstate probe never sets have_xstate_support
# (instruction "movl $1, have_xstate_support" becomes "movl $0"): UML then
# uses PTRACE_{GET,SET}FPREGS (x87/SSE), and sandbox-init keeps user code off
# AVX.  Where the pattern is not found the kernel is used as it is.
e2e_uml_kernel() {
	perl -e '
		local $/;
		open(my $in, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		my $d = <$in>;
		# mov $0x4204,%edi (PTRACE_GETREGSET) ... test %rax,%rax; jne;
		# movabs $have_xstate_support,%rax; movl $1,(%rax)
		my $n = ($d =~ s/(\xbf\x04\x42\x00\x00.{0,40}?\x48\x85\xc0\x75.\x48\xb8.{8}\xc7\x00)\x01(\x00\x00\x00)/$1\x00$2/s);
		open(my $out, ">:raw", $ARGV[1]) or die "$ARGV[1]: $!\n";
		print $out $d;
		close($out) or die "$ARGV[1]: $!\n";
		print $n ? "patched\n" : "unpatched\n";
	' "$E2E_UML" "$1" && chmod 755 "$1"
}

# what sandbox-init sets, also given to the UML init itself from the start
e2e_tunables() {
	sed -n 's/^[[:space:]]*GLIBC_TUNABLES=//p' \
	    "$E2E_SRCDIR/tests/e2e/sandbox-init" | head -n 1
}

e2e_mode() {
	if [ -n "${E2E_MODE:-}" ]; then
		echo "$E2E_MODE"
	elif e2e_host_has_ppp; then
		echo direct
	elif [ -x "$E2E_UML" ] && [ -d "$E2E_UML_MODULES" ]; then
		echo uml
	else
		echo none
	fi
}

# e2e_pin [K]: "taskset -c N" for the K-th (default first) CPU this process
# may use, the first if there are fewer, or nothing (E2E_PIN=no, or no
# taskset).  UML runs on one CPU, but its kernel and each of its processes
# are host processes that hand control to one another through ptrace; spread over two host CPUs every hand-over is a
# cross-CPU wake-up, which on a VM guest made the whole bed 2-4x slower and
# its throughput swing (iperf3 about 30 Mbit/s unpinned on an idle host,
# 45 to 130 pinned).
e2e_pin() {
	[ "${E2E_PIN:-yes}" = no ] && return 0
	command -v taskset >/dev/null 2>&1 || return 0
	_cpu=$(awk -v k="${1:-1}" '/^Cpus_allowed_list:/ {
		n = split($2, r, ",")
		for (i = 1; i <= n; i++) {
			if (split(r[i], b, "-") == 1) b[2] = b[1]
			for (c = b[1]; c <= b[2]; c++) l[++m] = c
		}
		print (k <= m ? l[k] : l[1]) }' /proc/self/status)
	[ -n "$_cpu" ] && echo "taskset -c $_cpu"
}

# e2e_uml_boot ROLE CPU [ARG...]: boot the UML kernel (copied by e2e_run) on
# host CPU CPU (1 = the first allowed) with this sandbox; ROLE is "" for
# the one-machine bed, "server" or "client" for the two-machine one.
e2e_uml_boot() {
	_role=$1
	_k=$2
	shift 2
	_sfx=${_role:+-$_role}
	mkdir -p "$E2E_WORK/uml$_sfx"
	# UML makes itself a session leader, out of reach of the timeout's
	# process group: its pid goes to a file for e2e_cleanup.
	# shellcheck disable=SC2046	# the pinning prefix is words
	exec sh -c 'echo $$ >"$0" && exec "$@"' "$E2E_WORK/uml$_sfx.pid" \
	    $(e2e_pin "$_k") "$E2E_WORK/linux.uml" \
	    mem="${E2E_MEM:-512M}" umid="e2e$_sfx" uml_dir="$E2E_WORK/uml$_sfx" \
	    root=/dev/root rootfstype=hostfs rootflags=/ rw quiet \
	    init="$E2E_SRCDIR/tests/e2e/sandbox-init" \
	    con=null con0=fd:0,fd:1 E2E_WORK="$E2E_WORK" E2E_ROLE="$_role" \
	    GLIBC_TUNABLES="$(e2e_tunables)" "$@" \
	    </dev/null >"$E2E_WORK/console$_sfx.log" 2>&1
}

# e2e_pair_host: the two-machine bed (E2E_PAIR=1), run in a network
# namespace of its own: a server and a client UML, each pinned to a host
# CPU of its own, their eth0 the two ends of a veth pair (UML's vector
# driver on a raw socket).  As two real machines: neither side's work
# takes CPU from the other's, as in the one-UML bed, where the client's
# user-space relay (pptp-linux) and the server share one CPU.
e2e_pair_host() {
	ip link set lo up
	ip link add e2e-s type veth peer name e2e-c || return 1
	ip link set e2e-s up && ip link set e2e-c up || return 1
	(e2e_uml_boot server 1 vec0:transport=raw,ifname=e2e-s) &
	_s=$!
	(e2e_uml_boot client 2 vec0:transport=raw,ifname=e2e-c) &
	_c=$!
	trap 'e2e_kill_uml; exit 1' TERM INT HUP
	wait "$_c"
	# the server machine leaves after the last job's hand-shake; a client
	# that ended early leaves it waiting
	_n=0
	while kill -0 "$_s" 2>/dev/null && [ "$_n" -lt 150 ]; do
		sleep 0.2
		_n=$((_n + 1))
	done
	e2e_kill_uml
	wait "$_s"
}

# e2e_run "JOB..." TIMEOUT
e2e_run() {
	E2E_SPECS=$1
	_timeout=$2
	e2e_check_tools
	_mode=$(e2e_mode)
	[ "$_mode" = none ] && e2e_skip "this kernel has no PPP and user-mode-linux is not installed (apt-get install user-mode-linux)"
	for _j in $E2E_SPECS; do
		case $_j in
		poptop:*)
			[ -x /usr/sbin/pptpd ] && [ -x /usr/sbin/pptpctrl ] ||
			    e2e_skip "PoPToP (Debian package pptpd) not installed" ;;
		ours:* | oursk:*)
			[ -x "$E2E_BUILDDIR/src/pptpd" ] ||
			    e2e_skip "$E2E_BUILDDIR/src/pptpd not built" ;;
		esac
	done
	# not under /run: the sandbox covers that with a tmpfs of its own
	_base=${TMPDIR:-/tmp}
	case $_base in /run* | /var/run*) _base=/tmp ;; esac
	E2E_WORK=$(mktemp -d "$_base/pptpd-e2e.XXXXXX") || exit 1
	trap 'e2e_cleanup' EXIT
	trap 'exit 1' INT TERM HUP PIPE
	_jobs=$(echo "$E2E_SPECS" | tr -d '!~')
	cat >"$E2E_WORK/params" <<EOF
E2E_SRCDIR='$E2E_SRCDIR'
E2E_BUILDDIR='$E2E_BUILDDIR'
UML_MODULES='$E2E_UML_MODULES'
E2E_JOBS='$_jobs'
EOF
	chmod 755 "$E2E_WORK"
	_t0=$(date +%s)
	echo "e2e: $_mode mode, jobs: $_jobs"
	if [ "$_mode" = uml ]; then
		_k=$(e2e_uml_kernel "$E2E_WORK/linux.uml") || e2e_skip "cannot copy $E2E_UML"
		echo "e2e: kernel $E2E_UML ($_k), mem ${E2E_MEM:-512M}"
		if [ "${E2E_PAIR:-0}" = 1 ]; then
			echo "e2e: two machines (server and client UML)"
			timeout -k 5 "$_timeout" unshare -n sh -c \
			    '. "$0" && E2E_WORK=$1 && e2e_pair_host' \
			    "$E2E_SRCDIR/tests/e2e/lib.sh" "$E2E_WORK" &
		else
			timeout -k 5 "$_timeout" sh -c \
			    '. "$0" && E2E_WORK=$1 && e2e_uml_boot "" 1' \
			    "$E2E_SRCDIR/tests/e2e/lib.sh" "$E2E_WORK" &
		fi
	else
		[ "${E2E_PAIR:-0}" = 1 ] &&
		    e2e_skip "the two-machine bed needs user-mode-linux"
		E2E_WORK="$E2E_WORK" timeout -k 5 "$_timeout" \
		    unshare -m -n --propagation private \
		    sh "$E2E_SRCDIR/tests/e2e/sandbox-init" \
		    </dev/null >"$E2E_WORK/console.log" 2>&1 &
	fi
	E2E_BG=$!
	wait "$E2E_BG"
	_rc=$?
	kill -9 -- "-$E2E_BG" 2>/dev/null
	E2E_BG=
	e2e_kill_uml
	echo "e2e: sandbox ran $(($(date +%s) - _t0)) s"
	E2E_OUT=$E2E_WORK/out
	_started=$E2E_WORK/started
	[ "${E2E_PAIR:-0}" = 1 ] && _started="$_started-server $_started-client"
	if ! ls $_started >/dev/null 2>&1; then
		# the kernel never reached sandbox-init: this machine cannot
		# run the sandbox (ptrace refused, no memory, ...)
		for _f in "$E2E_WORK"/console*.log; do
			grep -av "^ *\[<" "$_f" | tail -n 30 | sed "s/^/    | /"
		done
		e2e_skip "the $_mode sandbox did not start here (exit $_rc, console above)"
	fi
	_done=$E2E_OUT/done
	[ "${E2E_PAIR:-0}" = 1 ] && _done=$_done-client
	if [ ! -f "$_done" ]; then
		echo "e2e: the sandbox did not finish (exit $_rc); console tail:"
		for _f in "$E2E_WORK"/console*.log; do
			echo "    $(basename "$_f"):"
			tail -n 60 "$_f" | sed 's/^/    | /'
		done
	fi
}

# e2e_value SERVER:SCENARIO NAME: the metric, the median over the job and
# its repeats (SERVER:SCENARIO#k); "-" if none
e2e_value() {
	awk -v j="$1" -v n="$2" '$1 == "METRIC" && $3 == n &&
	    ($2 == j || index($2, j "#") == 1) { print $4 }' \
	    "$E2E_OUT/results" 2>/dev/null | sort -g |
	    awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : "-") }'
}

# e2e_show_logs JOB: what the job left: clients first, then the server side
e2e_show_logs() {
	_ld=$E2E_OUT/logs/$(echo "$1" | sed 's/:/-s/')
	[ -d "$_ld" ] || return 0
	echo "===== logs of $1 ($_ld)"
	_k=0
	for _f in "$_ld"/client-* "$_ld"/state.txt "$_ld"/syslog.log \
	    "$_ld"/server-*; do
		[ -s "$_f" ] || continue
		case $_f in
		*/client-c*-*)
			# twenty clients would bury the server's side
			_k=$((_k + 1))
			[ "$_k" -le 6 ] || continue
			;;
		esac
		echo "----- $(basename "$_f") (last 30 lines)"
		tail -n 30 "$_f" | sed 's/^/    | /'
	done
}

# e2e_report: the results, then the logs of the failed jobs, then the failed
# jobs again (tests/run shows the end of the output).
e2e_report() {
	_fail=0
	_n=0
	_failed=
	_table=
	for _spec in $E2E_SPECS; do
		_job=${_spec%!}
		_job=${_job%\~}
		_line=$(awk -v j="$_job" '$1 == "RESULT" && $2 == j' "$E2E_OUT/results" 2>/dev/null | tail -n 1)
		_st=$(echo "$_line" | awk '{ print $3 }')
		_secs=$(echo "$_line" | awk '{ print $4 }')
		_txt=$(echo "$_line" | cut -d' ' -f5-)
		[ -n "$_st" ] || { _st=FAIL; _txt="did not run (sandbox ended early)"; }
		case "$_spec:$_st" in
		*!:FAIL) _st="XFAIL (known limitation)" ;;
		*!:PASS) _st="XPASS (expected to fail!)" ;;
		*\~:*) _st="$_st (for the record)" ;;
		*:FAIL) _fail=$((_fail + 1)); _failed="$_failed $_job" ;;
		esac
		_n=$((_n + 1))
		_row=$(printf '%-10s %-26s %6ss  %s' "$_job" "$_st" "$_secs" "$_txt")
		echo "$_row"
		[ "$_st" = FAIL ] && _table="$_table$_row
"
	done
	for _job in $_failed; do
		e2e_show_logs "$_job"
	done
	if [ -s "$E2E_OUT/modprobe.log" ]; then
		echo "modprobe messages:"
		sed 's/^/    | /' "$E2E_OUT/modprobe.log"
	fi
	[ -n "$_table" ] && printf 'failed:\n%s' "$_table"
	echo "e2e: $((_n - _fail)) of $_n jobs as expected, $_fail failed"
	[ "$_fail" = 0 ]
}

# e2e_compare: scenario 1t, 1k, 1 and 2 numbers of the servers side by
# side (all from the same sandbox, so the ratio is what counts), ours with
# "datapath kernel" (oursk) in two more columns if it ran; rows of
# scenarios not run are left out.
e2e_compare() {
	_k=
	grep -q '^METRIC oursk:' "$E2E_OUT/results" 2>/dev/null && _k=1
	echo
	echo "side by side (same sandbox, same clients; Mbit/s higher is better, seconds lower):"
	printf '  %-44s %8s %8s %8s' measure PoPToP ours ratio
	[ -n "$_k" ] && printf ' %8s %8s' kernel ratio
	echo
	for _m in "1t iperf_up Mbit/s pptp-linux: iperf3 up, median" \
	    "1t iperf_down Mbit/s pptp-linux: iperf3 down, median" \
	    "1k iperf_up Mbit/s kernel client: iperf3 up, median" \
	    "1k iperf_down Mbit/s kernel client: iperf3 down, median" \
	    "1 xfer_4MiB_up s 4 MiB upload (nc)" \
	    "1 xfer_4MiB_down s 4 MiB download (nc)" \
	    "2 setup_20_clients s 20 clients, start to all up"; do
		set -- $_m
		_sc=$1 _name=$2 _unit=$3
		shift 3
		_p=$(e2e_value "poptop:$_sc" "$_name")
		_o=$(e2e_value "ours:$_sc" "$_name")
		_ok=$(e2e_value "oursk:$_sc" "$_name")
		[ "$_p$_o$_ok" = --- ] && continue	# not run by this test
		printf '  %-44s %8s %8s %8s' "$* ($_unit)" "$_p" "$_o" \
		    "$(e2e_ratio "$_o" "$_p")"
		[ -n "$_k" ] && printf ' %8s %8s' "$_ok" "$(e2e_ratio "$_ok" "$_p")"
		echo
	done
	[ -n "$_k" ] && echo "  (ratio: to PoPToP; kernel: ours with datapath kernel)"
	return 0
}

e2e_ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (a == "-" || b == "-" || b + 0 == 0) print "-";
		else printf "%.2f", a / b }'
}
