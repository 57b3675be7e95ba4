#!/usr/bin/python3
"""Every pptpd.conf keyword at once, each with its observable effect
(behaviour.txt "Configuration surface").

case_every_keyword: one PoPToP-style file with every keyword but delegate
  and vrf (see below), a real call, and per keyword:
    option      pppd gets `file OPTFILE` (fakepppd reads its fake-* lines)
    debug       debug lines in the log (master and pptpctrl)
    stimeout    a silent connection, and one that stops after SCCRQ, are
                closed about stimeout seconds after connecting
    noipparam   no `ipparam` in pppd's argv
    logwtmp     `plugin DIR/pptpd-logwtmp.so pptpd-original-ip IP` in argv
    connections with more remoteip addresses than connections, the call
                beyond the limit gets OCRP result 2 error 4 (No-Resource)
                and no pppd; the pairs come from the first 3 slots only
    localip / remoteip   the `LOCAL:REMOTE` argument, slot by slot
    listen      only that address:1723 listens; another local address
                refuses the TCP connection
    pidfile     holds the master's pid while it runs, removed at exit
    speed       the speed argument of pppd
    ppp         our program is what runs (argv[0], and it ran)
    bcrelay     bcrelay runs as a child of the master, for that interface,
                really relays a LAN broadcast to a ppp interface, and is
                stopped with the master
    user        pptpctrl's real, effective and saved uid are that user's
    keepalive   Echo-Request after `keepalive` s of control silence, again
                `keepalive` s after our reply; unanswered, the call is torn
                down `keepalive` s later
    maxhalfopen the connection beyond it from one address is closed at
                once while another address is still accepted
  and `pptpd -n` / `pptpd -T` accept the same file.
case_delegate: the other side of `delegate`: no addresses in pppd's argv,
  the one-address remoteip does not limit the calls, `connections` still
  does; without `debug` there are no debug lines.
case_daemon_pidfile: without -f, the pidfile names the detached server
  (alive, listening, serving a call) and is removed when it stops.
case_vrf: with VRF support in the kernel, the listener is bound to the VRF
  device (a connection over lo, outside the VRF, is refused); without it,
  pptpd refuses a `vrf` keyword with a clear error naming the device.
case_keywords_documented: the keywords used here are exactly the ones
  pptpd.conf(5) documents (a new keyword must be added to this test).
case_sample_conf: samples/pptpd.conf passes `pptpd -n` (option/ppp pointed
  at existing files when the sample's do not exist here), and so does the
  sample with every commented-out keyword example switched on (vrf only
  when the kernel has VRF).
"""
import fcntl
import os
import pwd
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

KEYWORDS = ['option', 'debug', 'stimeout', 'noipparam', 'logwtmp',
            'delegate', 'connections', 'localip', 'remoteip', 'listen',
            'pidfile', 'speed', 'ppp', 'bcrelay', 'vrf', 'user',
            'keepalive', 'maxhalfopen', 'datapath']


def pptpd_bin():
    return os.path.join(builddir(), 'src', 'pptpd')


def run(cmd, timeout=10):
    return subprocess.run(cmd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def sh(*cmd):
    p = run(list(cmd))
    check(p.returncode == 0, '%s failed: %s', ' '.join(cmd),
          p.stdout.decode(errors='replace'))


def other_user():
    """An existing unprivileged account other than nobody."""
    for name in ('daemon', 'bin', 'sys', 'games', 'man', 'lp', 'mail'):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        if pw.pw_uid != 0 and name != 'nobody':
            return pw
    skip('no unprivileged account other than nobody')


def vrf_supported():
    p = run(['ip', 'link', 'add', 'pptpd-vrfprobe', 'type', 'vrf', 'table',
             '4242'])
    if p.returncode != 0:
        return False
    run(['ip', 'link', 'del', 'pptpd-vrfprobe'])
    return True


def refused(addr, port=PORT):
    s = socket.socket()
    s.settimeout(2.0)
    try:
        s.connect((addr, port))
    except ConnectionRefusedError:
        return True
    except OSError:
        return True
    finally:
        s.close()
    return False


def closed_after(c, limit):
    """Seconds until the server closes c (messages before the close are
    allowed: StopCCRQ, CDN), or None if still open after limit.  Then we
    close our end too, as a client does (the server waits for our FIN)."""
    t0 = time.monotonic()
    try:
        c.expect_close(limit, allow=(STOPCCRQ, CDN, ECHORQ))
    except TestFailure:
        return None
    took = time.monotonic() - t0
    c.close()
    return took


def recv_serving(c, timeout, others):
    """c.recv() for up to timeout seconds, answering the Echo-Requests of
    the other calls meanwhile (keepalive is short here)."""
    deadline = time.monotonic() + timeout
    while True:
        for o in others:
            o.ctrl.service()
        left = deadline - time.monotonic()
        m = c.recv(max(0.0, min(left, 0.1)))
        if m is not None or left <= 0:
            return m


def closed_serving(c, limit, others):
    """Like closed_after, answering the other calls' Echo-Requests."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            m = recv_serving(c, 0.1, others)
        except Closed:
            c.close()
            return time.monotonic() - t0
        check(m is None or m.type in (STOPCCRQ, CDN), 'expected close, got '
              '%r', m)
    return None


def cmdline(pid):
    with open('/proc/%d/cmdline' % pid, 'rb') as f:
        return [a.decode(errors='replace') for a in f.read().split(b'\0')
                if a]


def debug_lines(log):
    """Lines only -d produces: the master's per-connection line and
    pptpctrl's control message trace."""
    return [l for l in log.splitlines()
            if re.search(r'pptpctrl pid \d+|received \S+|sending \S+', l)]


def no_resource(c, call_id):
    """SCCRQ then OCRQ on a connection beyond the limits: the OCRP (or
    whatever came instead: None, SCCRP with an error, or a string saying
    how the connection ended)."""
    try:
        c.send_msg(SCCRQ)
        m = c.recv(3.0)
        if m is not None and m.type == SCCRP and m.result == 1:
            c.send_msg(OCRQ, call_id=call_id)
            m = c.recv(3.0)
        return m
    except (Closed, OSError) as e:
        return 'connection ended: %s' % e


def check_no_resource(env, srv, src, call_id, what):
    """The call from src (what: which call, beyond which limit) gets OCRP
    No-Resource and no pppd."""
    m = no_resource(env.ctrl(src), call_id)
    check(isinstance(m, Msg) and m.type == OCRP and m.result == 2 and
          m.error == 4, '%s: %r, want OCRP result 2 error 4 (No-Resource)',
          what, m)
    time.sleep(0.3)
    check(not [r for r in srv.records() if src in r.argv],
          'pppd started for the %s', what)


# --------------------------------------------------------- a relay check

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


class FdCloser(object):
    def __init__(self, fd):
        self.fd = fd

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(),
                                           IFF_TUN | IFF_NO_PI))
    return fd


def bcrelay_relays(env, lan_peer, tunfd, deadline_s=6.0):
    """Send UDP broadcasts into the LAN interface (from its veth peer) until
    one comes out of the ppp tun; True if it did."""
    payload = b'pptpd-allkeywords-%d' % os.getpid()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    env.closers.append(s)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                 lan_peer.encode())
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 16)
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            s.sendto(payload, ('255.255.255.255', 54321))
        except OSError:
            pass
        end = time.monotonic() + 0.3
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([tunfd], [], [], left)
            if not r:
                break
            try:
                pkt = os.read(tunfd, 70000)
            except BlockingIOError:
                continue
            if pkt.endswith(payload):
                return True
    return False


# ------------------------------------------------------------------ cases


def case_every_keyword(env):
    only_ours('stimeout/user/keepalive/maxhalfopen are ours')
    pw = other_user()
    # The LAN for bcrelay: a veth pair (the kernel here may lack dummy).
    sh('ip', 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lanpeer')
    sh('ip', 'addr', 'add', '10.77.0.1/24', 'dev', 'lan0')
    sh('ip', 'addr', 'add', '10.77.0.2/24', 'dev', 'lanpeer')
    sh('ip', 'link', 'set', 'lan0', 'up')
    sh('ip', 'link', 'set', 'lanpeer', 'up')
    # A client's ppp interface, as pppd would make it.
    try:
        tunfd = open_tun('ppp0')
    except OSError as e:
        tunfd = None
        print('note: no tun device (%s): bcrelay not checked end to end' % e)
    if tunfd is not None:
        env.closers.append(FdCloser(tunfd))
        sh('ip', 'addr', 'add', '10.66.0.1', 'peer', '10.66.0.2', 'dev',
           'ppp0')
        sh('ip', 'link', 'set', 'ppp0', 'up')

    conf = {'debug': True, 'stimeout': '2', 'noipparam': True,
            'logwtmp': True, 'connections': '3', 'speed': '57600',
            'bcrelay': 'lan0', 'user': pw.pw_name, 'keepalive': '2',
            'maxhalfopen': '2', 'datapath': 'user'}
    srv = env.server(conf=conf, localip='10.0.0.1-9',
                     remoteip='10.0.1.1-9')
    text = open(srv.conffile).read()
    for k in KEYWORDS:
        if k in ('delegate', 'vrf'):
            continue
        check(re.search(r'^%s\b' % k, text, re.M), 'config lacks %s:\n%s',
              k, text)

    # pptpd -n and -T accept the very same file.
    p = run([pptpd_bin(), '-n', '-c', srv.conffile])
    check(p.returncode == 0, 'pptpd -n rejects the file (%d): %s',
          p.returncode, p.stdout)
    p = run([pptpd_bin(), '-T', '-c', srv.conffile])
    dump = p.stdout.decode()
    for line in text.splitlines():
        check(line in dump.splitlines(), 'pptpd -T lacks %r:\n%s', line,
              dump)

    # pidfile
    check(wait_for(lambda: os.path.exists(srv.pidfile), 3.0),
          'pidfile %s not written', srv.pidfile)
    with open(srv.pidfile) as f:
        got = f.read()
    check(got.strip() == str(srv.pid), 'pidfile holds %r, master pid is %d',
          got, srv.pid)

    # listen
    check(listen_addrs() == ['127.0.0.1'], 'listening on %r, want only '
          '127.0.0.1', listen_addrs())
    check(refused('127.0.0.9'), 'a connection to 127.0.0.9:1723 was '
          'accepted with listen 127.0.0.1')

    # bcrelay: a child of the master, for lan0
    def bcrelay():
        for q in srv.children():
            if os.path.basename(q['exe']) == 'bcrelay':
                return q
        return None
    b = wait_for(bcrelay, 3.0)
    check(b, 'no bcrelay child of the master: %r; log:\n%s',
          srv.children(), srv.log())
    av = cmdline(b['pid'])
    check('-i' in av and av[av.index('-i') + 1] == 'lan0',
          'bcrelay argv %r: want -i lan0', av)
    if tunfd is not None:
        check(bcrelay_relays(env, 'lanpeer', tunfd),
              'a broadcast on lan0 did not reach ppp0; log:\n%s',
              srv.log()[-2000:])

    # maxhalfopen 2: the third connection in setup from one address is
    # closed at once, another address still gets in.
    t_h = time.monotonic()
    h1 = env.ctrl('127.0.0.7')
    h2 = env.ctrl('127.0.0.7')
    h2.expect_nothing(0.3)
    h3 = env.ctrl('127.0.0.7')
    t = closed_after(h3, 1.0)
    check(t is not None, 'third half-open connection from 127.0.0.7 not '
          'closed at once with maxhalfopen 2')
    h4 = env.ctrl('127.0.0.8')
    h1.expect_nothing(0.2)
    h4.expect_nothing(0.2)

    # stimeout 2: the silent connections are closed about 2 s after they
    # connected, and so is one that sends only SCCRQ.
    for c in (h1, h2, h4):
        t = closed_after(c, 5.0)
        check(t is not None, 'silent connection not closed within 5 s '
              '(stimeout 2)')
    took = time.monotonic() - t_h
    check(1.4 <= took <= 3.5, 'silent connections closed after %.1f s, '
          'want about 2 (stimeout 2)', took)
    check(wait_for(lambda: not srv.ctrl_pids(), 3.0),
          'pptpctrl of timed-out connections still running: %r',
          srv.ctrl_pids())
    t_conn = time.monotonic()
    s1 = env.ctrl('127.0.0.6')
    s1.start()
    t = closed_after(s1, 5.0)
    check(t is not None, 'SCCRQ-only connection not closed within 5 s '
          '(stimeout 2)')
    took = time.monotonic() - t_conn
    check(1.4 <= took <= 3.5, 'SCCRQ-only connection closed after %.1f s, '
          'want about 2 (stimeout 2)', took)
    check(wait_for(lambda: not srv.ctrl_pids(), 3.0),
          'pptpctrl of a timed-out connection still running')

    # A call: argv from option, speed, noipparam, logwtmp, localip/remoteip
    # (slot 0), ppp.
    c1 = env.call(srv, src='127.0.0.2', call_id=11)
    c1.setup()
    t_ocrq = time.monotonic()
    rec = srv.record_for('127.0.0.2')
    a = rec.argv
    check(a[0] == srv.ppp, 'pppd argv[0] %r, want the ppp keyword %r', a[0],
          srv.ppp)
    check(len(a) == 12, 'pppd argv %r: want 11 arguments', a)
    check(a[1:5] == ['local', 'file', srv.optfile, '57600'],
          'pppd argv %r', a)
    check(re.match(r'^10\.0\.0\.([1-3]):10\.0\.1\.\1$', a[5]),
          'pppd argv %r: want a LOCAL:REMOTE pair of one slot', a)
    check(a[6] == 'plugin' and a[7].startswith('/') and
          a[7].endswith('/pptpd-logwtmp.so'), 'pppd argv %r: plugin', a)
    check(a[8:] == ['pptpd-original-ip', '127.0.0.2', 'remotenumber',
                    '127.0.0.2'], 'pppd argv %r', a)
    check('ipparam' not in a, 'ipparam in argv with noipparam: %r', a)
    check(any(o.startswith('fake-record') for o in rec.opts),
          'fakepppd did not read the option file: %r', rec.opts)

    # user
    ctrls = srv.ctrl_pids()
    check(len(ctrls) == 1, 'pptpctrl processes %r', ctrls)
    uids = proc_uids(ctrls[0])
    check(uids[:3] == [pw.pw_uid] * 3, 'pptpctrl uids %r, want %d (%s)',
          uids, pw.pw_uid, pw.pw_name)

    # debug
    log = srv.log()
    check(debug_lines(log), 'no debug lines with debug:\n%s', log[-2000:])

    # keepalive 2: Echo-Request 2 s after the last control message.
    m = c1.ctrl.recv(4.0)
    took = time.monotonic() - t_ocrq
    check(m is not None and m.type == ECHORQ, 'no Echo-Request within 4 s '
          'of silence (keepalive 2): %r', m)
    check(1.5 <= took <= 3.2, 'first Echo-Request after %.1f s, want about '
          '2 (keepalive 2)', took)
    c1.ctrl.send_msg(ECHORP, ident=m.ident)
    t_rep = time.monotonic()

    # data both ways while the keepalive runs
    c1.send(ppp_frame(1))
    p = c1.gre.recv(2.0, call_id=11, data_only=True)
    check(p is not None and p.payload == ppp_frame(1),
          'no echo of a data packet: %r', p)

    # connections 3: two more calls, the fourth is refused.
    c2 = env.call(srv, src='127.0.0.3', call_id=12)
    c2.setup()
    c3 = env.call(srv, src='127.0.0.4', call_id=13)
    c3.setup()
    # slot i = (localip[i], remoteip[i]); connections 3 leaves 3 slots.
    pairs = []
    for ip in ('127.0.0.2', '127.0.0.3', '127.0.0.4'):
        r = srv.record_for(ip)
        pair = [x for x in r.argv if ':' in x]
        check(len(pair) == 1, 'argv %r: want one LOCAL:REMOTE', r.argv)
        pairs.append(pair[0])
    want = {'10.0.0.%d:10.0.1.%d' % (i, i) for i in (1, 2, 3)}
    check(set(pairs) == want, 'address pairs %r, want %r', pairs,
          sorted(want))
    check_no_resource(env, srv, '127.0.0.5', 14,
                      'fourth call with connections 3')

    # second Echo-Request 2 s after our reply; unanswered, the call ends.
    others = (c2, c3)
    m = recv_serving(c1.ctrl, 4.0 - (time.monotonic() - t_rep), others)
    took = time.monotonic() - t_rep
    check(m is not None and m.type == ECHORQ, 'no second Echo-Request: %r',
          m)
    check(1.5 <= took <= 3.2, 'second Echo-Request %.1f s after the reply, '
          'want about 2', took)
    t_echo = time.monotonic()
    t = closed_serving(c1.ctrl, 5.0, others)
    check(t is not None, 'unanswered Echo-Request: connection still open '
          'after 5 s (keepalive 2)')
    took = time.monotonic() - t_echo
    check(1.5 <= took <= 3.5, 'closed %.1f s after the unanswered '
          'Echo-Request, want about 2', took)
    check(wait_for(lambda: rec.reload().exit is not None, 3.0),
          'pppd of the timed-out call still running')
    # the other calls (answering their echoes) are unaffected
    for c in others:
        check(c.ctrl.is_open(1.0), 'another call was dropped')

    # SIGTERM: pidfile removed, bcrelay stopped, nothing left.  (The
    # clients hang up first: a silent client makes SIGTERM wait for its
    # Stop-Control-Connection-Reply.)
    for c in others:
        c.close()
    wait_for(lambda: not srv.ctrl_pids(), 5.0)
    bpid = b['pid']
    rc = srv.stop(8.0)
    check(rc == 0, 'master exit status %r after SIGTERM', rc)
    check(not os.path.exists(srv.pidfile), 'pidfile %s left after exit',
          srv.pidfile)
    check(not alive(bpid), 'bcrelay %d still running after the master '
          'stopped', bpid)


def case_delegate(env):
    only_ours('PoPToP does not enforce connections with delegate')
    # remoteip has one address: with delegate it must not limit the calls.
    srv = env.server(conf={'delegate': True, 'connections': '2',
                           'speed': '19200', 'user': 'nobody',
                           'maxhalfopen': '4', 'stimeout': '3',
                           'keepalive': '30'},
                     localip='10.0.0.1', remoteip='10.0.1.1')
    c1 = env.call(srv, src='127.0.0.2', call_id=1)
    c1.setup()
    c2 = env.call(srv, src='127.0.0.3', call_id=2)
    c2.setup()
    for c, ip in ((c1, '127.0.0.2'), (c2, '127.0.0.3')):
        r = srv.record_for(ip)
        want = ['local', 'file', srv.optfile, '19200', 'ipparam', ip,
                'remotenumber', ip]
        check(r.argv[1:] == want, 'delegate: argv %r, want %r', r.argv[1:],
              want)
    check_no_resource(env, srv, '127.0.0.4', 3,
                      'third call with delegate and connections 2')
    check(not debug_lines(srv.log()), 'debug lines without debug:\n%s',
          srv.log()[-2000:])
    c1.send(ppp_frame(3))
    p = c1.recv(2.0)
    check(p is not None and p.payload == ppp_frame(3), 'no data echo: %r',
          p)


def case_daemon_pidfile(env):
    """Without -f (how init scripts run it): the starting process exits 0
    once the server is ready, and the pidfile names the detached server,
    which listens, and is removed when that server stops."""
    only_ours('PoPToP writes the pidfile differently')
    srv = env.server(start=False)
    p = run([pptpd_bin(), '-c', srv.conffile], timeout=10)
    check(p.returncode == 0, 'pptpd (daemon) exits %d at start: %s',
          p.returncode, p.stdout)
    check(os.path.exists(srv.pidfile), 'no pidfile once pptpd returned')
    with open(srv.pidfile) as f:
        pid = int(f.read().strip())
    env.pids.append(pid)
    check(alive(pid), 'pid %d from the pidfile is not running', pid)
    check(listening(), 'the daemon does not listen')
    check(proc_status(pid)['Name'].startswith('pptpd'), 'pidfile names %r',
          proc_status(pid)['Name'])
    c = env.call(srv, src='127.0.0.2', call_id=5)
    c.setup()
    srv.record_for('127.0.0.2')
    c.close()
    os.kill(pid, signal.SIGTERM)
    check(wait_for(lambda: not alive(pid), 8.0), 'daemon %d did not stop '
          'on SIGTERM', pid)
    reap_orphans()
    check(not os.path.exists(srv.pidfile), 'pidfile left after the daemon '
          'stopped')


def case_vrf(env):
    only_ours('PoPToP 1.4.0 has no vrf check')
    if vrf_supported():
        sh('ip', 'link', 'add', 'vrf-blue', 'type', 'vrf', 'table', '10')
        sh('ip', 'link', 'set', 'vrf-blue', 'up')
        # No listen address: 127.0.0.1 is not local in the VRF's table.
        srv = env.server(conf={'vrf': 'vrf-blue', 'listen': False},
                         start=False)
        srv.start()
        p = run(['ss', '-ltnH', 'sport = :%d' % PORT])
        if p.returncode == 0:
            check(b'vrf-blue' in p.stdout, 'listener not bound to vrf-blue: '
                  '%s', p.stdout)
        check(refused('127.0.0.1'), 'a connection over lo reached a '
              'listener bound to vrf-blue')
        return
    print('note: no VRF in this kernel: checking the refusal')
    srv = env.server(conf={'vrf': 'vrf-blue'}, start=False)
    p = run([pptpd_bin(), '-n', '-c', srv.conffile])
    out = p.stdout.decode(errors='replace')
    check(p.returncode == 1, 'pptpd -n with a missing vrf exits %d: %s',
          p.returncode, out)
    check('vrf-blue' in out and re.search(r'no such|not exist|does not',
                                          out, re.I),
          'error does not name the missing vrf device: %r', out)
    srv.start(wait=False)
    try:
        srv.proc.wait(5.0)
    except subprocess.TimeoutExpired:
        raise TestFailure('pptpd started with a vrf device that does not '
                          'exist')
    check(srv.proc.returncode == 1, 'pptpd with a missing vrf exits %d',
          srv.proc.returncode)
    check('vrf-blue' in srv.log(), 'start-up error does not name the vrf: '
          '%r', srv.log())
    check(not listening(), 'something listens after a failed start')
    check(not os.path.exists(srv.pidfile), 'pidfile written by a server '
          'that did not start')


def case_keywords_documented(env):
    path = os.path.join(srcdir(), 'man', 'pptpd.conf.5')
    with open(path) as f:
        doc = f.read()
    # The KEYWORDS section lists each keyword as ".It Ic NAME".
    sec = doc.split('.Sh KEYWORDS', 1)[1].split('\n.Sh ', 1)[0]
    documented = set(re.findall(r'^\.It Ic (\S+)', sec, re.M))
    check(documented == set(KEYWORDS), 'pptpd.conf(5) documents %s; this '
          'test covers %s', sorted(documented), sorted(KEYWORDS))
    # And the server knows each one (pptpd -n on a one-line file).
    vals = {'option': '/dev/null', 'stimeout': '5', 'connections': '5',
            'localip': '10.0.0.1', 'remoteip': '10.0.1.1-5',
            'listen': '127.0.0.1', 'pidfile': '/nonexistent/pid',
            'speed': '9600', 'ppp': '/bin/true', 'bcrelay': 'lo',
            'vrf': 'lo', 'user': 'nobody', 'keepalive': '5',
            'maxhalfopen': '5', 'datapath': 'user'}
    for k in KEYWORDS:
        conf = os.path.join(env.tmp, 'one.conf')
        with open(conf, 'w') as f:
            f.write(('%s %s\n' % (k, vals[k])) if k in vals else k + '\n')
            if k != 'ppp':
                f.write('ppp /bin/true\n')
        p = run([pptpd_bin(), '-n', '-c', conf])
        out = p.stdout.decode(errors='replace')
        if k == 'vrf' and p.returncode != 0 and 'vrf' in out:
            continue        # lo is no VRF device; the keyword is known
        check(p.returncode == 0, 'pptpd -n rejects "%s": %s', k, out)


def sample_overrides(text):
    args = []
    m = re.search(r'^\s*option\s+(\S+)', text, re.M)
    if m and not os.access(m.group(1), os.R_OK):
        args += ['-o', os.path.join(srcdir(), 'samples', 'options.pptpd')]
    m = re.search(r'^\s*ppp\s+(\S+)', text, re.M)
    ppp = m.group(1) if m else '/usr/sbin/pppd'
    if not os.access(ppp, os.X_OK):
        args += ['-e', '/bin/true']
    return args


def case_sample_conf(env):
    path = os.path.join(srcdir(), 'samples', 'pptpd.conf')
    with open(path) as f:
        text = f.read()
    args = sample_overrides(text)
    p = run([pptpd_bin(), '-n', '-c', path] + args)
    check(p.returncode == 0, 'pptpd -n -c samples/pptpd.conf %s: exit %d: '
          '%s', ' '.join(args), p.returncode, p.stdout)
    # Every commented-out example ("#keyword value") switched on as well,
    # unless the keyword is already active.
    active = set(re.findall(r'^\s*([a-z]+)\b', text, re.M))
    have_vrf = vrf_supported()
    if have_vrf:
        sh('ip', 'link', 'add', 'vrf-blue', 'type', 'vrf', 'table', '10')
    out, switched = [], []
    for line in text.splitlines():
        m = re.match(r'^#([a-z]+)(\s+\S+)?\s*$', line)
        # "#datapath kernel" needs PPP in this kernel, and refuses vrf:
        # t_datapath checks it.
        if m and m.group(1) in KEYWORDS and m.group(1) not in active and \
                m.group(1) != 'datapath' and \
                (m.group(1) != 'vrf' or have_vrf):
            k = m.group(1)
            active.add(k)
            switched.append(k)
            if k == 'bcrelay':
                line = 'bcrelay lo'         # eth0 need not exist here
            else:
                line = line[1:]
        out.append(line)
    check(len(switched) >= 8, 'only %r of the sample\'s examples could be '
          'switched on', switched)
    full = os.path.join(env.tmp, 'sample-all.conf')
    with open(full, 'w') as f:
        f.write('\n'.join(out) + '\n')
    args = sample_overrides('\n'.join(out))
    p = run([pptpd_bin(), '-n', '-c', full] + args)
    check(p.returncode == 0, 'the sample with %s switched on: pptpd -n %s: '
          'exit %d: %s', ' '.join(switched), ' '.join(args), p.returncode,
          p.stdout)


if __name__ == '__main__':
    main([case_every_keyword, case_delegate, case_daemon_pidfile, case_vrf,
          case_keywords_documented, case_sample_conf], case_timeout=90)
