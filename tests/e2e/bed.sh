#!/bin/sh
# tests/e2e/bed.sh OUTDIR JOB...: the end-to-end scenarios, with real pppd
# and real pptp-linux clients.  Runs as root in a private system prepared by
# sandbox-init (a user-mode-linux kernel, or private namespaces of a host
# whose kernel has PPP).  A JOB is SERVER:SCENARIO, SERVER "ours" (our
# pptpd, $E2E_BUILDDIR/src/pptpd), "oursk" (the same with "datapath
# kernel") or "poptop" (/usr/sbin/pptpd).
#
# Network: a bridge in the current namespace joins the server namespace
# "srv" (10.0.0.1), client namespaces c1..c20 (10.0.0.11..), and a NAT router
# namespace "nat" (10.0.0.254) that hides clients n1 and n2.
#
# The two-machine bed (E2E_ROLE server or client, see lib.sh) runs the
# throughput scenarios 1t and 1k only: "srv" on the server machine and "c1"
# on the client machine, joined by the machines' wire (vec0).  Both sides
# run the same job list and keep in step through two hand-shakes per job
# over that wire (pair_say, pair_hear); the client writes the results.
#
# OUTDIR/results gets one line per job:
#     RESULT JOB PASS|FAIL|SKIP SECONDS text
# and measurements:
#     METRIC JOB NAME VALUE UNIT
# OUTDIR/logs/SERVER-sN/ gets the server, client and syslog lines of the job.
set -u

OUT=$1
shift
S=/run/e2e
SRV_IP=10.0.0.1
CLI1_IP=10.0.0.11
PAIR_READY_PORT=7001	# two-machine bed: "this job, ready?"
PAIR_DONE_PORT=7002	# "this job, done"
LOCAL=192.168.100.1
POOL=192.168.100.100-149
POOL_RE='^192\.168\.100\.1[0-4][0-9]$'
USER_OK=e2e
PASS_OK=e2e-secret-1
NCLIENTS=20
BIG=4194304
KEEPALIVE=5

OURS=${E2E_BUILDDIR:-}/src/pptpd
POPTOP=/usr/sbin/pptpd
KPLUGIN=${E2E_BUILDDIR:-}/plugins/.libs/pptpd-kernel.so	# kclient.py's

mkdir -p "$S" "$OUT/logs"
: >"$OUT/results"

# --- small helpers -------------------------------------------------------

log() { echo "[bed $(date +%T.%N | cut -c1-12)] $*"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# wait_for SECONDS CMD...: poll CMD every 0.2 s; 1 when time runs out
# (a deadline, not a count: CMD itself may take a while, as a connection
# attempt to a machine not yet listening does).
wait_for() {
	_until=$(($(date +%s) + $1 + 1))
	shift
	while [ "$(date +%s)" -lt "$_until" ]; do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

note() { NOTE=$(printf '%s' "$*" | tr '\n' ' '); log "  $NOTE"; }
metric() { echo "METRIC $JOB $1 $2 $3" >>"$OUT/results"; log "  metric $1 = $2 $3"; }

alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }

# pids NS: processes in a namespace (minus $2..., e.g. the server master).
pids() {
	_ns=$1
	shift
	for _p in $(ip netns pids "$_ns" 2>/dev/null); do
		case " $* " in *" $_p "*) continue ;; esac
		[ -d "/proc/$_p" ] && echo "$_p"
	done
}

# describe PID...: "pid(comm) ..." for messages
describe() {
	for _p in "$@"; do
		printf '%s(%s) ' "$_p" "$(cat "/proc/$_p/comm" 2>/dev/null)"
	done
}

# kill_ns NS: end every process in a namespace, politely then not.
kill_ns() {
	_l=$(pids "$1")
	[ -n "$_l" ] || return 0
	kill $_l 2>/dev/null
	wait_for 3 no_pids "$1" && return 0
	kill -9 $(pids "$1") 2>/dev/null
	wait_for 3 no_pids "$1"
}
no_pids() { [ -z "$(pids "$@")" ]; }

# --- the network ----------------------------------------------------------

mkns() {
	ip netns add "$1" && ip -n "$1" link set lo up
}

# plug NS ADDR/LEN: veth from the bridge into NS as eth0
plug() {
	ip link add "v-$1" type veth peer name eth0 netns "$1" &&
	    ip link set "v-$1" master br0 up &&
	    ip -n "$1" addr add "$2" dev eth0 &&
	    ip -n "$1" link set eth0 up
}

net_setup() {
	case ${E2E_ROLE:-} in
	server) pair_plug srv "$SRV_IP/24"; return ;;
	client) pair_plug c1 "$CLI1_IP/24"; return ;;
	esac
	ip link add br0 type bridge || return 1
	ip link set br0 up
	mkns srv && plug srv "$SRV_IP/24" || return 1
	i=1
	while [ "$i" -le "$NCLIENTS" ]; do
		mkns "c$i" && plug "c$i" "10.0.0.$((10 + i))/24" || return 1
		i=$((i + 1))
	done
}

# load_pptp: the kernel's pptp module (UML's modprobe wrapper, see
# sandbox-init, or the host's)
load_pptp() { /run/modprobe pptp 2>/dev/null || modprobe pptp 2>/dev/null; }

# pair_plug NS ADDR/LEN: this machine's wire into NS as eth0
pair_plug() {
	mkns "$1" && ip link set vec0 netns "$1" &&
	    ip -n "$1" link set vec0 name eth0 &&
	    ip -n "$1" addr add "$2" dev eth0 &&
	    ip -n "$1" link set eth0 up
}

# The NAT router: two private subnets behind one address, MASQUERADE with
# the PPTP conntrack/NAT helper (nf_conntrack_pptp, nf_nat_pptp).
nat_setup() {
	[ -e /run/netns/nat ] && return 0
	mkns nat && plug nat 10.0.0.254/24 || return 1
	ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
	for k in 1 2; do
		mkns "n$k" || return 1
		ip -n nat link add "lan$k" type veth peer name eth0 netns "n$k"
		ip -n nat addr add "172.16.$k.1/24" dev "lan$k"
		ip -n nat link set "lan$k" up
		ip -n "n$k" addr add "172.16.$k.2/24" dev eth0
		ip -n "n$k" link set eth0 up
		ip -n "n$k" route add default via "172.16.$k.1"
	done
	ip netns exec nat iptables-legacy -t nat -A POSTROUTING -o eth0 \
	    -j MASQUERADE || return 1
	ip netns exec nat iptables-legacy -t raw -A PREROUTING -p tcp \
	    --dport 1723 -j CT --helper pptp || return 1
}

# --- ppp configuration (private /etc/ppp, see sandbox-init) ---------------

ppp_setup() {
	: >/etc/ppp/options
	: >/etc/ppp/pap-secrets
	printf '# client\tserver\tsecret\tIP addresses\n%s\tpptpd\t%s\t*\n' \
	    "$USER_OK" "$PASS_OK" >/etc/ppp/chap-secrets
	chmod 600 /etc/ppp/chap-secrets
	cat >/etc/ppp/e2e-server <<EOF
name pptpd
refuse-pap
refuse-chap
refuse-mschap
require-mschap-v2
require-mppe-128
nobsdcomp
nodeflate
novj
novjccomp
nodefaultroute
logfile $S/srv/pppd.log
EOF
	cat >/etc/ppp/e2e-client <<EOF
noauth
refuse-pap
refuse-eap
refuse-chap
refuse-mschap
require-mppe-128
nobsdcomp
nodeflate
novj
novjccomp
nodefaultroute
noipdefault
nodetach
maxfail 1
mtu 1400
mru 1400
EOF
	# pppd as the servers start it, but with this sandbox's environment
	# (see GLIBC_TUNABLES in sandbox-init): our pptpctrl gives pppd a
	# clean environment.
	mkdir -p "$S/bin"
	{
		echo '#!/bin/sh'
		[ -n "${GLIBC_TUNABLES:-}" ] &&
		    echo "export GLIBC_TUNABLES='$GLIBC_TUNABLES'"
		[ -n "${OPENSSL_ia32cap:-}" ] &&
		    echo "export OPENSSL_ia32cap='$OPENSSL_ia32cap'"
		echo 'exec /usr/sbin/pppd "$@"'
	} >"$S/bin/pppd"
	chmod 755 "$S/bin/pppd"
}

# --- the server -------------------------------------------------------------

# server_start KIND REMOTEIP [extra config lines]; on the client machine
# of the two-machine bed, only whether the server machine said it is ready
# (PAIR_READY 0, or 1 if it did not answer; empty outside a pair job)
server_start() {
	[ "${E2E_ROLE:-}" = client ] && return "$PAIR_READY"
	_kind=$1
	_pool=$2
	shift 2
	# datapath kernel: loaded here, as pptpd does not load modules
	[ "$_kind" = oursk ] && load_pptp
	mkdir -p "$S/srv"
	SRV_CONF=$S/srv/pptpd.conf
	{
		echo "# $JOB"
		echo "option /etc/ppp/e2e-server"
		echo "localip $LOCAL"
		echo "remoteip $_pool"
		echo "listen $SRV_IP"
		echo "pidfile $S/srv/pptpd.pid"
		echo "connections 50"
		echo "ppp $S/bin/pppd"
		if [ "$_kind" = oursk ]; then
			echo "datapath kernel"
		fi
		if [ "$_kind" != poptop ]; then
			echo "keepalive $KEEPALIVE"
			echo "stimeout 10"
		fi
		for _l in "$@"; do echo "$_l"; done
	} >"$SRV_CONF"
	case $_kind in
	ours | oursk)
		ip netns exec srv "$OURS" -f -c "$SRV_CONF" \
		    >>"$S/srv/pptpd.log" 2>&1 &
		;;
	poptop)
		ip netns exec srv "$POPTOP" --fg -c "$SRV_CONF" \
		    >>"$S/srv/pptpd.log" 2>&1 &
		;;
	esac
	SRV_PID=$!
	if ! wait_for 10 listening srv 1723; then
		note "server did not listen on $SRV_IP:1723"
		return 1
	fi
	alive "$SRV_PID" || { note "server exited at start"; return 1; }
}

listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .
}

# server_procs: everything in the server namespace but the master and the
# helpers (nc, iperf3) a scenario started there.
server_procs() { pids srv "$SRV_PID" ${HELPERS:-}; }

# --- clients ---------------------------------------------------------------

# client_start NAME NS [USER PASSWORD]: pppd with pptp as its pty, in NS.
# Each client has its own /run/pptp (pptp's call manager socket is named by
# the server address, which all clients share).
client_start() {
	client_launch "$1" "$2" "${3:-$USER_OK}" "${4:-$PASS_OK}" sh -c '
		mount -t tmpfs tmpfs /run/pptp || exit 1
		exec pppd pty "pptp $0 --nolaunchpppd --loglevel 1" "$@"' \
	    "$SRV_IP"
}

client_pid() { cat "$S/cli/$1/pid"; }

# kclient_start NAME NS: like client_start, but the client's data path is
# the kernel's pptp module (kclient.py), as in Windows, macOS and Android.
kclient_start() {
	client_launch "$1" "$2" "$USER_OK" "$PASS_OK" \
	    python3 "$E2E_SRCDIR/tests/e2e/kclient.py" "$SRV_IP" "$KPLUGIN"
}

# client_launch NAME NS USER PASSWORD COMMAND...: COMMAND, then the pppd
# options every client shares, in NS, in the background; keeps its pid and
# namespace for client_pid and the clean-up.
client_launch() {
	_d=$S/cli/$1
	_ns=$2
	_user=$3
	_pass=$4
	shift 4
	mkdir -p "$_d"
	ip netns exec "$_ns" "$@" file /etc/ppp/e2e-client name "$_user" \
	    remotename pptpd password "$_pass" logfile "$_d/pppd.log" debug \
	    >>"$_d/out.log" 2>&1 &
	echo $! >"$_d/pid"
	echo "$_ns" >"$_d/ns"
}

# ppp_addr NS: the local address of ppp0 in NS, if it is up
ppp_addr() {
	ip -n "$1" -4 -o addr show dev ppp0 2>/dev/null |
	    awk '$3 == "inet" { print $4; exit }'
}
has_addr() { [ -n "$(ppp_addr "$1")" ]; }

# client_up NAME NS SECONDS: wait for the client's address; prints it
client_up() {
	if wait_for "$3" has_addr "$2"; then
		ppp_addr "$2"
		return 0
	fi
	return 1
}

in_pool() { echo "$1" | grep -Eq "$POOL_RE"; }

# ping_ok NS: three echo requests through the tunnel to the server's end
ping_ok() {
	ip netns exec "$1" ping -n -q -c 3 -i 0.3 -W 3 -I ppp0 "$LOCAL" \
	    >>"$S/cli/ping.log" 2>&1
}

# xfer NS FILE PORT SECONDS [down]: send FILE over the tunnel from a client
# to the server (or, with "down", from the server to the client); 0 when the
# receiver got the same bytes (SHA-256).  Sets XFER_S.
xfer() {
	_f=$S/srv/recv.$3
	rm -f "$_f"
	if [ "${5:-up}" = down ]; then
		ip netns exec srv timeout "$4" nc -N -l "$3" <"$2" \
		    2>>"$S/srv/nc.log" &
	else
		ip netns exec srv timeout "$4" nc -l "$3" >"$_f" \
		    2>>"$S/srv/nc.log" &
	fi
	_l=$!
	HELPERS="${HELPERS:-} $_l"
	wait_for 5 listening srv "$3" || { note "nc did not listen"; return 1; }
	_t=$(now)
	if [ "${5:-up}" = down ]; then
		# -d: the client reads nothing from stdin, so it keeps its
		# side open until the server's -N shutdown ends the stream
		ip netns exec "$1" timeout "$4" nc -d "$LOCAL" "$3" >"$_f" \
		    2>>"$S/cli/nc.log"
	else
		ip netns exec "$1" timeout "$4" nc -N "$LOCAL" "$3" <"$2" \
		    2>>"$S/cli/nc.log"
	fi
	wait "$_l"
	XFER_S=$(since "$_t")
	_a=$(sha256sum <"$2" | cut -d' ' -f1)
	_b=$(sha256sum <"$_f" | cut -d' ' -f1)
	_n=$(wc -c <"$_f")
	if [ "$_a" != "$_b" ]; then
		note "transfer ${5:-up} over $1: got $_n bytes, SHA-256 differs"
		return 1
	fi
}

# iperf NS [-R]: TCP throughput through the tunnel, Mbit/s (4 s, the first
# one, TCP's slow start, not counted)
iperf() {
	_rev=${2:-}
	_l=
	if [ "${E2E_ROLE:-}" != client ]; then	# else pair_serve's iperf3
		ip netns exec srv timeout 30 iperf3 -s -1 -p 5201 \
		    >>"$S/srv/iperf3.log" 2>&1 &
		_l=$!
		HELPERS="${HELPERS:-} $_l"
		wait_for 5 listening srv 5201 || return 1
	fi
	ip netns exec "$1" timeout 30 iperf3 -c "$LOCAL" -p 5201 -t 4 -O 1 -f m \
	    $_rev >"$S/cli/iperf3$_rev.log" 2>&1
	_r=$?
	[ -n "$_l" ] && wait "$_l"
	[ "$_r" = 0 ] || return 1
	awk '/receiver/ { for (i = 1; i <= NF; i++)
		if ($i == "Mbits/sec") v = $(i - 1) } END { if (v == "") exit 1; print v }' \
	    "$S/cli/iperf3$_rev.log"
}

# --- per job bookkeeping ------------------------------------------------------

job_begin() {
	JOB=$1
	NOTE=
	HELPERS=
	SRV_PID=
	rm -rf "$S/srv" "$S/cli"
	mkdir -p "$S/srv" "$S/cli"
	SYSLOG_AT=$(wc -l <"$S/syslog")
	JOB_T0=$(now)
	log "=== $JOB"
	PAIR_READY=
}

# --- the two-machine bed's hand-shakes ------------------------------------

# pair_say NS PORT: tell the server machine "$JOB" on PORT (it may not be
# listening yet: it sets up, or cleans up after the last job)
pair_say() { wait_for 90 pair_say1 "$@"; }
pair_say1() {
	echo "$JOB" | ip netns exec "$1" timeout 5 nc -N -w 3 "$SRV_IP" "$2" \
	    2>/dev/null
}

# pair_hear PORT SECONDS: wait for the client machine to say "$JOB"
pair_hear() {
	_said=$(ip netns exec srv timeout "$2" nc -l "$SRV_IP" "$1" </dev/null \
	    2>>"$S/srv/pair.log")
	[ "$_said" = "$JOB" ] && return 0
	log "  client machine said '$_said' on $1, not '$JOB'"
	return 1
}

# pair_serve KIND: the server machine's part of one job: our server or
# PoPToP, and an iperf3 server, from the client's "ready?" to its "done".
pair_serve() {
	server_start "$1" "$POOL"
	ip netns exec srv timeout 600 iperf3 -s -p 5201 \
	    >>"$S/srv/iperf3.log" 2>&1 &
	HELPERS="$HELPERS $!"
	wait_for 5 listening srv 5201 || log "  iperf3 did not listen"
	pair_hear "$PAIR_READY_PORT" 180 || return 1
	pair_hear "$PAIR_DONE_PORT" 300
}

# job_syslog: the syslog lines since the job began
job_syslog() { tail -n "+$((SYSLOG_AT + 1))" "$S/syslog"; }

# job_end STATUS: record, collect logs, and leave nothing running
job_end() {
	_secs=$(since "$JOB_T0")
	log "=== $JOB $1 (${_secs}s) $NOTE"
	# the server machine of the two-machine bed has no results to give
	[ "${E2E_ROLE:-}" != server ] &&
	    echo "RESULT $JOB $1 $_secs $NOTE" >>"$OUT/results"
	_ld=$OUT/logs/$(echo "$JOB" | sed 's/:/-s/')
	mkdir -p "$_ld"
	[ "${E2E_ROLE:-}" != client ] && {
		echo "# processes in srv at end: $(describe $(pids srv))"
		[ -f "$S/srv/pptpd.conf" ] && cat "$S/srv/pptpd.conf"
	} >"$_ld/state.txt"
	for _f in "$S"/srv/*.log; do
		[ -f "$_f" ] && cp "$_f" "$_ld/server-$(basename "$_f")"
	done
	for _d in "$S"/cli/*/; do
		[ -d "$_d" ] || continue
		_c=$(basename "$_d")
		for _f in "$_d"*.log; do
			[ -f "$_f" ] && cp "$_f" "$_ld/client-$_c-$(basename "$_f")"
		done
	done
	for _f in "$S"/cli/*.log; do
		[ -f "$_f" ] && cp "$_f" "$_ld/client-$(basename "$_f")"
	done
	job_syslog >"$_ld/${E2E_ROLE:+$E2E_ROLE-}syslog.log"
	[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null
	for _ns in $(ip netns list | awk '{ print $1 }'); do
		kill_ns "$_ns"
	done
	# Pool, server and ppp units must be free for the next job.
	wait_for 5 no_ppp_left
	log "  processes ended"	# where a hung clean-up stopped
	# the client is gone: the server machine may clean up
	[ -n "$PAIR_READY" ] && ! pair_say c1 "$PAIR_DONE_PORT" &&
	    log "  the server machine did not hear the end of $JOB"
	return 0
}
no_ppp_left() {
	for _ns in $(ip netns list | awk '{ print $1 }'); do
		ip -n "$_ns" -o link 2>/dev/null | grep -q ppp && return 1
	done
	return 0
}

# --- the scenarios ----------------------------------------------------------
# Each returns 0 (pass), 1 (fail) or 2 (skip), and explains itself in NOTE.

# 1: one client, MS-CHAPv2 + MPPE-128: address from the pool, ping, 4 MiB
# of random bytes intact each way, iperf3 each way.
scen_1() {
	server_start "$KIND" "$POOL" || return 1
	client_start c1 c1
	a=$(client_up c1 c1 30) || { note "c1: ppp did not come up"; return 1; }
	in_pool "$a" || { note "c1 got $a, not from the pool $POOL"; return 1; }
	ping_ok c1 || { note "ping $LOCAL over ppp0 failed"; return 1; }
	xfer c1 "$S/big" 5001 60 || return 1
	metric xfer_4MiB_up "$XFER_S" s
	xup=$XFER_S
	xfer c1 "$S/big" 5001 60 down || return 1
	metric xfer_4MiB_down "$XFER_S" s
	up=$(iperf c1) || { note "iperf3 client->server failed"; return 1; }
	down=$(iperf c1 -R) || { note "iperf3 server->client failed"; return 1; }
	metric iperf_up "$up" Mbit/s
	metric iperf_down "$down" Mbit/s
	note "c1=$a, 4 MiB intact up ${xup}s down ${XFER_S}s, iperf3 up $up down $down Mbit/s"
	kernel_path_ok
}

# kernel_path_ok: for oursk, that the call's pppd really ran on our
# channel plugin, with no pty (the data in the kernel's pptp module)
kernel_path_ok() {
	[ "$KIND" = oursk ] || return 0
	for _p in $(pids srv); do
		tr '\0' ' ' 2>/dev/null <"/proc/$_p/cmdline"
		echo
	done >"$S/srv/cmdlines.txt"
	grep -q 'pptpd-kernel.so pptpd-kernel-fd 3' "$S/srv/cmdlines.txt" &&
	    return 0
	note "$NOTE; but pppd was not on the kernel's data path"
	return 1
}

# 1t: throughput only: one client, iperf3 each way.  t_e2e_pair runs it
# three times per server, in turns, and compares the medians: a single
# 4-second run under UML swings by 2x from one minute to the next.
scen_1t() { throughput client_start ""; }

# 1k: scenario 1t with a kernel-mode client (kclient.py): pptp-linux, which
# drops under load, is out of the way, so server to client measures the
# servers.
scen_1k() {
	[ -f "$KPLUGIN" ] || { note "$KPLUGIN not built (needs ppp-dev)"; return 2; }
	load_pptp || { note "no pptp module for the kernel-mode client"; return 2; }
	throughput kclient_start " (kernel client)"
}

# throughput START-FUNCTION WHAT: one client c1 up, ping, iperf3 each way
throughput() {
	server_start "$KIND" "$POOL" || return 1
	"$1" c1 c1
	a=$(client_up c1 c1 30) || { note "c1$2: ppp did not come up"; return 1; }
	ping_ok c1 || { note "ping $LOCAL over ppp0 failed"; return 1; }
	up=$(iperf c1) || { note "iperf3 client->server failed"; return 1; }
	down=$(iperf c1 -R) || { note "iperf3 server->client failed"; return 1; }
	metric iperf_up "$up" Mbit/s
	metric iperf_down "$down" Mbit/s
	note "c1=$a$2, iperf3 up $up down $down Mbit/s"
}

# 2: twenty clients at once, each in its own namespace.
scen_2() {
	server_start "$KIND" "$POOL" || return 1
	t=$(now)
	i=1
	while [ "$i" -le "$NCLIENTS" ]; do
		client_start "c$i" "c$i"
		i=$((i + 1))
	done
	if ! wait_for 120 all_up; then
		note "only $(count_up) of $NCLIENTS clients came up"
		return 1
	fi
	setup=$(since "$t")
	metric setup_20_clients "$setup" s
	addrs=$(i=1; while [ "$i" -le "$NCLIENTS" ]; do ppp_addr "c$i"; i=$((i + 1)); done)
	for a in $addrs; do
		in_pool "$a" || { note "address $a is not from the pool"; return 1; }
	done
	d=$(echo "$addrs" | sort -u | wc -l)
	[ "$d" = "$NCLIENTS" ] || { note "addresses not distinct: $(echo $addrs)"; return 1; }
	i=1
	plist=
	while [ "$i" -le "$NCLIENTS" ]; do
		ping_ok "c$i" &
		plist="$plist $!"
		i=$((i + 1))
	done
	bad=0
	for p in $plist; do wait "$p" || bad=$((bad + 1)); done
	[ "$bad" = 0 ] || { note "$bad of $NCLIENTS clients could not ping"; return 1; }
	note "$NCLIENTS clients up in ${setup}s, distinct addresses, all ping"
}
all_up() { [ "$(count_up)" = "$NCLIENTS" ]; }
# count_up: clients whose pppd logged its IPCP result (one process, where
# asking every namespace for ppp0 would take twenty and slow the setup)
count_up() {
	grep -l '^local  IP address' "$S"/cli/c*/pppd.log 2>/dev/null | wc -l
}

# 3: two clients behind one NAT router (MASQUERADE + PPTP helper).
scen_3() {
	nat_setup || { note "NAT router setup failed"; return 1; }
	server_start "$KIND" "$POOL" || return 1
	client_start n1 n1
	client_start n2 n2
	a1=$(client_up n1 n1 30)
	a2=$(client_up n2 n2 10)
	[ -n "$a1" ] && [ -n "$a2" ] ||
	    { note "behind NAT: n1 '${a1:-down}', n2 '${a2:-down}'"; return 1; }
	[ "$a1" != "$a2" ] || { note "both got $a1"; return 1; }
	for k in n1 n2; do
		ping_ok "$k" || { note "$k: ping over the tunnel failed"; return 1; }
	done
	# both at once, so that each call's GRE must find its own session
	head -c 1048576 "$S/big" >"$S/mib"
	xfer n1 "$S/mib" 5002 60 >"$S/cli/xfer-n1.txt" 2>&1 &
	x1=$!
	xfer n2 "$S/mib" 5003 60 >"$S/cli/xfer-n2.txt" 2>&1 &
	x2=$!
	r1=0; r2=0
	wait "$x1" || r1=1
	wait "$x2" || r2=1
	[ "$r1$r2" = 00 ] || { note "concurrent 1 MiB transfers: n1 $r1 n2 $r2 (1 = corrupt/short) $(cat "$S"/cli/xfer-n*.txt)"; return 1; }
	note "n1=$a1 n2=$a2 behind one NAT address, both ping, 1 MiB each at once intact"
}

# 4: lossy, slow, reordering path from the client to the server, the
# direction where the server under test must cope (its GRE receive window,
# reorder buffer and acks): the 4 MiB upload must still arrive intact.
scen_4() {
	netem_xfer up "tc -n c1 qdisc %s dev eth0 root" "client to server"
}

# 4d: the same impairment from the server to the client, 4 MiB download:
# the server's sending side (sequence numbers, acks, the client's window)
# under loss and reordering, received by pptp-linux.
scen_4d() {
	netem_xfer down "tc qdisc %s dev v-c1 root" "server to client"
}

# netem_xfer up|down TC-FORMAT WHERE: once the call is up, impair one
# direction of the client's wire (TC-FORMAT: the tc command, "%s" for
# add/del) and move 4 MiB the given way.  The impairment starts after the
# set-up: what is tested is the data path, not pppd's negotiation, which
# does not survive every loss (a lost CHAP Success leaves the client
# waiting for good; see pptpd.conf(5) for datapath kernel and reordering).
netem_xfer() {
	NETEM="loss 2% delay 20ms reorder 10%"
	server_start "$KIND" "$POOL" || return 1
	client_start c1 c1
	a=$(client_up c1 c1 30) || { note "c1: ppp did not come up"; return 1; }
	# shellcheck disable=SC2059	# the format is ours
	$(printf "$2" add) netem $NETEM || { note "netem"; return 1; }
	r=0
	if [ "$1" = down ]; then
		xfer c1 "$S/big" 5001 180 down || r=1
		[ "$r" = 0 ] && metric xfer_4MiB_netem_down "$XFER_S" s
	else
		xfer c1 "$S/big" 5001 180 || r=1
		[ "$r" = 0 ] && metric xfer_4MiB_netem "$XFER_S" s
	fi
	$(printf "$2" del) 2>/dev/null
	[ "$r" = 0 ] && note "netem $NETEM ($3): 4 MiB intact in ${XFER_S}s"
	return $r
}

# 5: a client dies (SIGKILL to pppd and pptp): the server notices, its
# pptpctrl and pppd go away, the address returns to the pool (a pool of one
# address, so the next client gets in only if it did).  Then the same with
# the client's wire cut first, so no FIN arrives: only the PPTP keepalive
# (Echo-Request, RFC 2637 3.1.4; ours: keepalive 5) can notice.
scen_5() {
	one=192.168.100.100
	server_start "$KIND" "$one" || return 1
	client_start c1 c1
	a=$(client_up c1 c1 30) || { note "c1 did not come up"; return 1; }
	wait_for 5 server_has_call || { note "no server process for the call"; return 1; }
	kill -9 $(pids c1)
	t=$(now)
	wait_for 15 server_idle ||
	    { note "killed client: still in srv after 15 s: $(describe $(server_procs))"; return 1; }
	t1=$(since "$t")
	metric cleanup_after_kill "$t1" s
	client_start c2 c2
	a=$(client_up c2 c2 30) || { note "c2 could not get in after c1 died"; return 1; }
	[ "$a" = "$one" ] || { note "c2 got $a"; return 1; }
	if [ "$KIND" = poptop ]; then
		note "kill: cleaned up in ${t1}s, address reused (silent-death part not run: PoPToP's echo interval is 60 s)"
		return 0
	fi
	wait_for 5 server_has_call || { note "no server process for c2's call"; return 1; }
	ip -n c2 link set eth0 down
	kill -9 $(pids c2)
	t=$(now)
	lim=$((2 * KEEPALIVE + 8))
	wait_for "$lim" server_idle ||
	    { ip -n c2 link set eth0 up; note "silent client: still in srv after $lim s: $(describe $(server_procs))"; return 1; }
	t2=$(since "$t")
	metric cleanup_silent_client "$t2" s
	ip -n c2 link set eth0 up
	client_start c3 c3
	a=$(client_up c3 c3 30) || { note "c3 could not get in after silent c2"; return 1; }
	[ "$a" = "$one" ] || { note "c3 got $a"; return 1; }
	note "kill: cleaned up in ${t1}s; silent death: in ${t2}s (keepalive $KEEPALIVE); address reused"
}
server_has_call() { [ -n "$(server_procs)" ]; }
server_idle() { [ -z "$(server_procs)" ] && ! ip -n srv -o link | grep -q ppp; }

# 6: SIGTERM to the server: the clients are told (their pppd ends) and
# nothing is left running in the server namespace.
scen_6() {
	server_start "$KIND" "$POOL" || return 1
	client_start c1 c1
	client_start c2 c2
	a1=$(client_up c1 c1 30) || { note "c1 did not come up"; return 1; }
	a2=$(client_up c2 c2 30) || { note "c2 did not come up"; return 1; }
	p1=$(client_pid c1)
	p2=$(client_pid c2)
	kill -TERM "$SRV_PID"
	t=$(now)
	wait_for 15 dead "$SRV_PID" || { note "server still running 15 s after SIGTERM"; return 1; }
	wait_for 15 clients_gone "$p1" "$p2" ||
	    { note "clients not told: pppd still up 15 s after SIGTERM ($(describe $p1 $p2))"; return 1; }
	tt=$(since "$t")
	wait_for 5 no_pids srv
	left=$(pids srv)
	[ -z "$left" ] || { note "left running after SIGTERM: $(describe $left)"; return 1; }
	metric sigterm_clients_down "$tt" s
	# told, not just cut off: each pptp logged a Call-Disconnect-Notify or
	# a Stop-Control-Connection-Request from the server
	told=
	if [ -n "$SINK" ]; then
		told=$(job_syslog | grep -E 'pptp\[[0-9]+\].*(Call disconnect notification received|Received Stop Control Connection Request)' |
		    sed 's/.*pptp\[\([0-9]*\)\].*/\1/' | sort -u | wc -l)
		[ "$told" -ge 2 ] ||
		    { note "only $told of 2 pptp clients logged a CDN or StopCCRQ from the server"; return 1; }
		told=", both got CDN/StopCCRQ"
	fi
	note "SIGTERM: both clients down in ${tt}s$told, nothing left in the server namespace"
}

# 6h: SIGHUP with a changed remoteip: the live call stays, a new call gets
# an address from the new pool.
scen_6h() {
	server_start "$KIND" 192.168.100.100-119 || return 1
	client_start c1 c1
	a1=$(client_up c1 c1 30) || { note "c1 did not come up"; return 1; }
	sed -i 's/^remoteip .*/remoteip 192.168.101.100-119/' "$SRV_CONF"
	kill -HUP "$SRV_PID"
	sleep 1
	alive "$SRV_PID" || { note "server died on SIGHUP"; return 1; }
	[ "$(ppp_addr c1)" = "$a1" ] || { note "c1 lost its address on SIGHUP"; return 1; }
	ping_ok c1 || { note "c1 cannot ping after SIGHUP"; return 1; }
	client_start c2 c2
	a2=$(client_up c2 c2 30) || { note "c2 did not come up after SIGHUP"; return 1; }
	echo "$a2" | grep -Eq '^192\.168\.101\.1[01][0-9]$' ||
	    { note "after SIGHUP c2 got $a2, not from the new pool 192.168.101.100-119"; return 1; }
	ping_ok c1 || { note "c1 cannot ping after c2 came"; return 1; }
	ping_ok c2 || { note "c2 cannot ping"; return 1; }
	note "SIGHUP: c1 kept $a1, c2 got $a2 from the new pool"
}
clients_gone() { dead "$1" && dead "$2"; }

# 7: wrong password: refused, the server side logs it, nothing leaks (the
# pool has one address: the next, right client must get it).
scen_7() {
	one=192.168.100.100
	server_start "$KIND" "$one" || return 1
	client_start c1 c1 "$USER_OK" wrong-password
	p=$(client_pid c1)
	got=
	n=0
	while alive "$p" && [ "$n" -lt 150 ]; do
		has_addr c1 && got=yes
		sleep 0.2
		n=$((n + 1))
	done
	alive "$p" && { note "client with a wrong password still running after 30 s"; return 1; }
	[ -z "$got" ] || { note "client with a wrong password got an address"; return 1; }
	wait_for 15 server_idle ||
	    { note "after refusal still in srv: $(describe $(server_procs))"; return 1; }
	if ! grep -q 'failed CHAP authentication' "$S/srv/pppd.log" 2>/dev/null; then
		note "server-side pppd log does not mention the failed authentication"
		return 1
	fi
	client_start c2 c2
	a=$(client_up c2 c2 30) || { note "right password refused after a wrong one"; return 1; }
	[ "$a" = "$one" ] || { note "c2 got $a"; return 1; }
	note "refused and logged; server clean; next client got $a"
}

# 8 (datapath kernel): the kernel's PPTP socket cannot be made for a call
# (the pptp module unloaded after pptpd's start-up check, and no module
# loader): the Outgoing-Call-Reply refuses the call, General Error /
# PAC-Error, instead of saying Connected; the log says why; with the module
# back, the next client comes up.
scen_8() {
	[ "$KIND" = oursk ] || { note "scenario 8 is for datapath kernel"; return 2; }
	server_start "$KIND" "$POOL" || return 1
	_mp=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false >/proc/sys/kernel/modprobe
	if ! rmmod pptp; then
		echo "$_mp" >/proc/sys/kernel/modprobe
		note "cannot unload the pptp module"
		return 1
	fi
	client_start c1 c1
	p=$(client_pid c1)
	wait_for 30 dead "$p"
	echo "$_mp" >/proc/sys/kernel/modprobe
	load_pptp || { note "cannot load the pptp module again"; return 1; }
	alive "$p" && { note "client still running 30 s after the refusal"; return 1; }
	has_addr c1 && { note "c1 got an address without a kernel socket"; return 1; }
	{ cat "$S/srv/pptpd.log"; job_syslog; } >"$S/srv/all.log"
	for _w in "cannot make the kernel's PPTP socket" \
	    "starting pppd failed; refusing the call"; do
		grep -q "$_w" "$S/srv/all.log" ||
		    { note "the server's log lacks: $_w"; return 1; }
	done
	job_syslog | grep -q "Result code is 2 .*Error code is 6" ||
	    { note "pptp did not see General Error / PAC-Error"; return 1; }
	wait_for 15 server_idle ||
	    { note "after refusal still in srv: $(describe $(server_procs))"; return 1; }
	client_start c2 c2
	a=$(client_up c2 c2 30) || { note "c2: ppp did not come up after"; return 1; }
	kernel_path_ok || return 1
	note "refused with General Error / PAC-Error, logged; then c2=$a"
}

# demo: one client, a human-readable summary (tests/e2e/demo.sh)
scen_demo() {
	server_start "$KIND" "$POOL" || return 1
	t=$(now)
	client_start c1 c1
	a=$(client_up c1 c1 30) || { note "c1: ppp did not come up"; return 1; }
	setup=$(since "$t")
	{
		echo "--- handshake (client pppd log) ---"
		grep -E 'Using interface|Connect:|CHAP|MPPE|local  IP|remote IP|authentication' \
		    "$S/cli/c1/pppd.log"
		echo "--- server ---"
		grep -hE 'pptpd|pptpctrl' "$S/srv/pptpd.log"
		job_syslog | cut -d' ' -f2- |
		    grep -E 'pptpd\[|pptpctrl\[' | head -n 12
		echo "--- client pptp (syslog) ---"
		job_syslog | cut -d' ' -f2- |
		    grep -E 'pptp\[' | head -n 12
		echo "--- result ---"
		echo "client address: $a (server end $LOCAL), tunnel up in ${setup}s"
		ip netns exec c1 ping -n -c 5 -i 0.3 -W 3 -I ppp0 "$LOCAL" |
		    grep -E 'time=|rtt'
		up=$(iperf c1) && echo "iperf3 client->server: $up Mbit/s"
		down=$(iperf c1 -R) && echo "iperf3 server->client: $down Mbit/s"
	} >"$OUT/demo.txt" 2>&1
	note "demo done"
}

# --- main -------------------------------------------------------------------

: >>"$S/syslog"
SINK=
if [ -n "${E2E_SYSLOG:-}" ]; then
	perl "$E2E_SRCDIR/tests/e2e/syslog-sink.pl" "$E2E_SYSLOG" "$S/syslog" &
	SINK=$!
	wait_for 5 test -S "$E2E_SYSLOG" || log "no syslog sink"
else
	log "no private syslog socket: syslog lines go to the host's log"
fi

net_setup || { log "network setup failed"; echo "RESULT setup FAIL 0 network setup failed" >>"$OUT/results"; exit 1; }
ppp_setup
head -c "$BIG" /dev/urandom >"$S/big"

for JOBSPEC in "$@"; do
	KIND=${JOBSPEC%%:*}
	N=${JOBSPEC#*:}
	N=${N%%#*}		# "ours:1t#2": scenario 1t again, as a job of its own
	job_begin "$JOBSPEC"
	if [ "$KIND" != poptop ] && [ ! -x "$OURS" ]; then
		NOTE="$OURS not built"
		job_end SKIP
		continue
	fi
	case ${E2E_ROLE:-}:$N in
	server:1t | server:1k)
		pair_serve "$KIND"
		job_end DONE
		continue
		;;
	client:1t | client:1k)
		PAIR_READY=0
		pair_say c1 "$PAIR_READY_PORT" ||
		    { PAIR_READY=1; note "the server machine did not get ready"; }
		;;
	:*) ;;
	*)
		NOTE="not a scenario of the two-machine bed"
		job_end SKIP
		continue
		;;
	esac
	"scen_$N"
	case $? in
	0) job_end PASS ;;
	2) job_end SKIP ;;
	*) job_end FAIL ;;
	esac
done

[ -n "$SINK" ] && kill "$SINK" 2>/dev/null
exit 0
