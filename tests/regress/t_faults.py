#!/usr/bin/python3
"""Faults around a call (POPTOP-NOTES 3.9, 5.2; behaviour.txt): ICMP
errors on the GRE path do not kill the session; pppd exiting before LCP or
mid-session, or never starting; a pppd that never reads its pty; fd
exhaustion in the master; SIGKILL of a pptpctrl."""
import os
import resource
import shutil
import signal
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
FAKE = ['fake-mode echo', 'fake-send-lcp']


def up_call(env, srv, src='127.0.0.2', call_id=0x3131):
    c = env.call(srv, src=src, call_id=call_id)
    p = c.bring_up()
    return c, srv.record_for(src), p


def works(c, i):
    c.send(ppp_frame(i))
    p = c.recv(2.0)
    check(p is not None and p.payload == ppp_frame(i),
          'call no longer carries data (%r)', p)
    c.ctrl.echo(0x100 + i)


def icmp_checksum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('>%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def icmp_error(typ, code, orig_ip, extra=0):
    """An ICMP error quoting orig_ip (the server's packet: IP header and
    the first 8 octets of GRE), RFC 792."""
    ihl = (orig_ip[0] & 0x0f) * 4
    quote = orig_ip[:ihl + 8]
    body = struct.pack('>BBHI', typ, code, 0, extra) + quote
    ck = icmp_checksum(body)
    return body[:2] + struct.pack('>H', ck) + body[4:]


def case_icmp_errors(env):
    """ICMP protocol/port/host unreachable, fragmentation needed and time
    exceeded about our GRE packets: the session survives (PoPToP died
    with 'Protocol not available')."""
    only_ours('PoPToP dies on ICMP errors (known defect)')
    srv = env.server(fake=FAKE)
    c, rec, lcp = up_call(env, srv)
    orig = lcp.ip
    icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                         socket.IPPROTO_ICMP)
    icmp.bind(('127.0.0.2', 0))
    errs = [(3, 2, 0), (3, 3, 0), (3, 1, 0), (3, 4, 576), (3, 4, 68),
            (11, 0, 0), (3, 13, 0), (12, 0, 0)]
    for i, (t, code, extra) in enumerate(errs):
        for _ in range(3):
            icmp.sendto(icmp_error(t, code, orig, extra), ('127.0.0.1', 0))
        time.sleep(0.05)
        works(c, i)
    icmp.close()
    check(alive(rec.pid), 'pppd gone')


def case_gre_listener_gone(env):
    """The client stops listening for GRE: the kernel may answer the
    server's GRE with ICMP protocol-unreachable.  The session survives
    and works again when GRE comes back."""
    srv = env.server(fake=FAKE)
    c, rec, _ = up_call(env, srv)
    c.gre.close()
    # Make pppd send while nobody listens (fakepppd: SIGUSR2 = LCP).
    for _ in range(5):
        try:
            os.kill(rec.pid, signal.SIGUSR2)
        except ProcessLookupError:
            raise TestFailure('pppd died once the client stopped '
                              'listening for GRE')
        time.sleep(0.05)
    c.sleep(0.3)
    check(c.ctrl.is_open(1.0), 'control connection died')
    c.gre = env.gre('127.0.0.2')
    c.ctrl.service()
    works(c, 1)


def case_pppd_exits_before_lcp(env):
    """pppd fails at once (bad option, say): CDN, StopCCRQ, close; the
    master keeps serving."""
    only_ours('PoPToP just closes')
    srv = env.server(fake=['fake-mode echo', 'fake-exit-after 0',
                           'fake-exit-code 2',
                           'fake-stderr pppd: unrecognized option'])
    c = env.ctrl('127.0.0.2')
    c.start()
    m = c.ocrq(1)
    if m.result == 1:
        cdn = c.expect(CDN, 3.0)
        check(cdn.call_id == m.call_id, 'CDN call id %d, want %d',
              cdn.call_id, m.call_id)
    c.expect(STOPCCRQ, 3.0)
    c.send_msg(STOPCCRP)
    c.expect_close(3.0)
    check('unrecognized option' in srv.log(), 'pppd stderr not logged')
    check(srv.proc.poll() is None, 'master died')
    c2 = env.ctrl('127.0.0.3')
    c2.start()
    check(c2.is_open(), 'master not serving')


def case_pppd_killed_mid_session(env):
    only_ours('PoPToP just closes')
    srv = env.server(fake=FAKE)
    c, rec, _ = up_call(env, srv)
    works(c, 1)
    os.kill(rec.pid, signal.SIGKILL)
    m = c.ctrl.expect(CDN, 3.0)
    check(m.call_id == c.call_id, 'CDN call id')
    c.ctrl.expect(STOPCCRQ, 3.0)
    c.ctrl.send_msg(STOPCCRP)
    c.ctrl.expect_close(3.0)
    check(wait_for(lambda: not srv.ctrl_pids(), 3.0), 'pptpctrl left')
    up_call(env, srv, '127.0.0.3')


def call_without_pppd(env, src, what):
    """OCRQ from src while pppd cannot run: an OCRP error, or a CDN or
    StopCCRQ after an OCRP that said connected."""
    c = env.ctrl(src)
    c.start()
    c.send_msg(OCRQ, call_id=1)
    m = c.expect(OCRP)
    if m.result == 1:
        m2 = c.recv(4.0)
        check(m2 is not None and m2.type in (CDN, STOPCCRQ), what, m2)


def case_pppd_never_starts(env):
    """`ppp` names a program that cannot be executed: the client gets an
    error (OCRP error, or CDN, or StopCCRQ) and the master keeps working.
    (Refusing to start at all is also acceptable.)"""
    only_ours('PoPToP checks only at start-up')
    bad = os.path.join(env.tmp, 'broken-pppd')
    with open(bad, 'w') as f:
        f.write('#!/nonexistent/interpreter\n')
    os.chmod(bad, 0o755)
    srv = env.server(start=False, ppp=bad)
    try:
        srv.start()
    except TestFailure:
        return          # refused to start with an unusable ppp: fine
    call_without_pppd(env, '127.0.0.2', 'OCRP said connected but no '
                      'CDN/StopCCRQ followed: %r')
    check(srv.proc.poll() is None, 'master died')
    c2 = env.ctrl('127.0.0.3')
    c2.start()
    check(c2.is_open(), 'master not serving')
    # And with a program that does not exist at all.
    srv2 = env.server(start=False, ppp='/nonexistent/pppd')
    srv.kill_all()
    try:
        srv2.start()
    except TestFailure:
        return
    call_without_pppd(env, '127.0.0.4',
                      'no CDN/StopCCRQ for a missing pppd: %r')


def case_launcher_gone(env):
    """pppd cannot be started for an accepted Outgoing-Call-Request (here
    its launcher was killed while waiting; with "datapath kernel", the
    kernel's socket could not be made): the OCRP says General Error,
    PAC-Error (RFC 2637 2.8, 2.16) instead of Connected and a
    Call-Disconnect-Notify after it, a StopCCRQ closes the connection, the
    log says why, and the master serves the next client."""
    only_ours('the launcher is ours')
    srv = env.server(fake=FAKE, remoteip='10.0.1.1')
    c = env.ctrl('127.0.0.2')
    c.start()
    check(wait_for(lambda: len(srv.ctrl_pids()) == 1, 2.0), 'no pptpctrl')
    pid = srv.ctrl_pids()[0]
    kids = srv.children(pid)
    check(len(kids) == 1, 'pptpctrl %d has children %r, not one launcher',
          pid, kids)
    os.kill(kids[0]['pid'], signal.SIGKILL)
    check(wait_for(lambda: not srv.children(pid), 2.0), 'launcher not reaped')
    c.send_msg(OCRQ, call_id=0x77)
    m = c.expect(OCRP)
    check(m.result == 2 and m.error == 6,
          'OCRP result %d error %d, not 2 (General Error) 6 (PAC-Error)',
          m.result, m.error)
    check(m.peer_call_id == 0x77, 'OCRP peer call id %#x', m.peer_call_id)
    c.expect(STOPCCRQ, 2.0)
    c.send_msg(STOPCCRP)
    c.expect_close(3.0)
    check(wait_for(lambda: 'starting pppd failed; refusing the call' in
                   srv.log(), 2.0), 'refusal not logged: %s',
          srv.log()[-1500:])
    check(not srv.records(), 'a pppd ran: %r', srv.records())
    check(wait_for(lambda: not srv.ctrl_pids(), 3.0), 'pptpctrl stayed')
    check(' up (client window' not in srv.log() and
          ' ended: GRE in' not in srv.log(),
          'a call that never was logged as up or ended: %s', srv.log()[-1500:])
    c2, rec2, _ = up_call(env, srv, '127.0.0.3')
    check('10.0.0.1:10.0.1.1' in rec2.argv,
          'the one address was not free again: %r', rec2.argv)


def case_pty_blocked(env):
    """pppd never reads its pty: the server keeps answering Echo-Requests
    at once, does not spin, and tears down promptly."""
    only_ours('PoPToP blocks on the pty (known defect)')
    srv = env.server(fake=['fake-block', 'fake-send-lcp'])
    c, rec, _ = up_call(env, srv)
    pid = srv.ctrl_pids()[0]
    payload = b'\xff\x03\x00\x21' + bytes(range(256)) * 5
    for i in range(3000):
        c.send(payload)
        if i % 500 == 0:
            c.ctrl.service()
    cpu0 = cpu_seconds(pid)
    for i in range(5):
        t0 = time.monotonic()
        c.ctrl.echo(i)
        dt = time.monotonic() - t0
        check(dt < lim(0.5), 'Echo-Reply took %.2f s with the pty full', dt)
        c.sleep(0.3)
    cpu = cpu_seconds(pid) - cpu0
    check(cpu < lim(0.5), 'pptpctrl used %.2f s CPU in 1.5 s while the pty was '
          'full (spinning?)', cpu)
    check(rss_kb(pid) < 16384, 'pptpctrl RSS %d kB with the pty full',
          rss_kb(pid))
    c.ctrl.send_msg(STOPCCRQ, reason=1)
    c.ctrl.expect(STOPCCRP, 2.0)
    c.ctrl.expect_close(3.0)
    check(wait_for(lambda: not srv.ctrl_pids(), 5.0), 'pptpctrl stuck')


def case_fd_exhaustion(env):
    """The master runs out of descriptors (its soft RLIMIT_NOFILE is put
    at what it has open, so accept() fails with EMFILE): it must back off
    instead of spinning on the ever-readable listening socket, survive,
    and serve again once descriptors are available."""
    only_ours('PoPToP')
    srv = env.server(fake=['fake-mode sink'], remoteip='10.0.1.1-100',
                     connections=100)
    mpid = srv.pid
    c = env.ctrl('127.0.0.2')          # one call before: it must survive
    c.start()
    check(c.ocrq(1).result == 1, 'first call')
    time.sleep(0.3)
    n0 = fd_count(mpid)
    soft, hard = resource.prlimit(mpid, resource.RLIMIT_NOFILE)
    resource.prlimit(mpid, resource.RLIMIT_NOFILE, (n0, hard))
    waiting = []
    cpu0 = cpu_seconds(mpid)
    t_end = time.monotonic() + 2.5
    i = 0
    while time.monotonic() < t_end:
        try:
            w = Ctrl('127.0.4.%d' % (i % 250 + 1), timeout=0.3)
            env.closers.append(w)
            w.send_msg(SCCRQ)
            waiting.append(w)
        except OSError:
            pass
        i += 1
        c.service()
        time.sleep(0.05)
    cpu = cpu_seconds(mpid) - cpu0
    check(srv.proc.poll() is None, 'master died out of fds (status %r)',
          srv.proc.returncode)
    check(cpu < lim(0.5), 'master used %.2f s CPU in 2.5 s while out of fds '
          '(spinning on accept?)', cpu)
    check(c.is_open(1.0), 'the existing call died')
    served = 0
    for w in waiting:
        try:
            m = w.recv(0)
        except Closed:
            continue
        if m is not None and m.type == SCCRP and m.result == 1:
            served += 1
    check(served == 0, '%d connections served with no descriptors left: '
          'the limit did not bite, test broken', served)
    print('out of fds: %d connection attempts, master CPU %.3f s' %
          (len(waiting), cpu))
    resource.prlimit(mpid, resource.RLIMIT_NOFILE, (soft, hard))
    for w in waiting:
        w.close()
    time.sleep(0.3)
    t0 = time.monotonic()
    ok = None
    while time.monotonic() - t0 < lim(5.0):
        try:
            c2 = env.ctrl('127.0.0.3')
            c2.start()
            ok = c2.ocrq(2)
            break
        except (TestFailure, OSError):
            time.sleep(0.2)
    check(ok is not None and ok.result == 1, 'not serving within 5 s '
          'after descriptors were available again')


def case_sigkill_pptpctrl(env):
    """SIGKILL of a pptpctrl: the master reaps it, its pppd goes, its
    address returns to the pool."""
    srv = env.server(fake=FAKE, remoteip='10.0.1.1')
    c, rec, _ = up_call(env, srv)
    pid = srv.ctrl_pids()[0]
    os.kill(pid, signal.SIGKILL)
    check(wait_for(lambda: pid not in procs(), 2.0),
          'killed pptpctrl %d not reaped (zombie or alive)', pid)
    check(wait_for(lambda: not alive(rec.pid), 3.0), 'its pppd still runs')
    c.ctrl.expect_close(2.0)
    c.close()
    c2, rec2, _ = up_call(env, srv, '127.0.0.3')
    check('10.0.0.1:10.0.1.1' in rec2.argv, 'address not reused: %r',
          rec2.argv)


def case_pptpctrl_exec_fails(env):
    """pptpctrl cannot be executed (here: not an executable format): the
    master logs why with the path, closes the connection, keeps the
    address and call id free, and serves once pptpctrl is back."""
    only_ours('the exec is ours')
    d = os.path.join(env.tmp, 'sbin')
    os.makedirs(d)
    pptpd = os.path.join(d, 'pptpd')
    shutil.copy(os.path.join(builddir(), 'src', 'pptpd'), pptpd)
    ctrl = os.path.join(d, 'pptpctrl')
    with open(ctrl, 'wb') as f:
        f.write(b'\x7fELF not really\n')
    os.chmod(ctrl, 0o755)
    srv = env.server(start=False, fake=FAKE, remoteip='10.0.1.1')
    srv.binary = lambda: pptpd
    srv.start()
    for i in range(3):
        c = env.ctrl('127.0.0.%d' % (i + 2), timeout=2.0)
        c.send_msg(SCCRQ)
        c.expect_close(3.0)
    check(wait_for(lambda: ctrl + ': Exec format error' in srv.log(), 3.0),
          'exec failure not logged with the path: %s', srv.log()[-2000:])
    check(wait_for(lambda: not srv.children(), 3.0),
          'failed children not reaped: %r', srv.children())
    check(srv.proc.poll() is None, 'master died')
    shutil.copy(os.path.join(builddir(), 'src', 'pptpctrl'), ctrl)
    c, rec, _ = up_call(env, srv, '127.0.0.9')
    check('10.0.0.1:10.0.1.1' in rec.argv,
          'the one address was not free again: %r', rec.argv)


if __name__ == '__main__':
    main([case_icmp_errors, case_gre_listener_gone,
          case_pppd_exits_before_lcp, case_pppd_killed_mid_session,
          case_pppd_never_starts, case_launcher_gone, case_pty_blocked,
          case_fd_exhaustion,
          case_sigkill_pptpctrl, case_pptpctrl_exec_fails], case_timeout=90)
