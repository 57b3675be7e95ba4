#!/usr/bin/python3
"""A scenario for tests/sanitize/t_valgrind (not a test by itself: no t_
prefix).  The regress harness ends every case with SIGKILL, so valgrind
never gets to check those processes for leaks; here every process of ours
exits by itself: pptpctrl when its connection ends, the master on SIGTERM
after its children.  On the way it drives the code paths of a call's life:
set-up, data both ways, echo, SLI, CCRQ, StopCCRQ, a refused call (pool
full), a hostile header, client FIN and RST, SIGHUP reload.

Checks are loose on purpose (valgrind makes everything ~20x slower): the
point is to run the code and let it exit; t_valgrind reads the logs."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

FAKE = ['fake-mode echo', 'fake-send-lcp']
SLOW = 15.0             # seconds for anything valgrind makes slow


def up_call(env, srv, src, call_id):
    c = env.call(srv, src=src, call_id=call_id)
    c.ctrl.start()
    m = c.ctrl.ocrq(call_id=call_id, window=c.window)
    check(m.result == 1, '%s: OCRP result %d error %d', src, m.result,
          m.error)
    c.ocrp, c.call_id = m, m.call_id
    p = c.recv(SLOW)
    check(p is not None and p.payload == LCP_CONFREQ,
          '%s: pppd not up (no LCP over GRE): %r', src, p)
    return c


class Kids(object):
    """The master's children started since the last gone()."""

    def __init__(self, srv):
        self.srv = srv
        self.before = set(p['pid'] for p in srv.children())

    def gone(self, what):
        new = [p['pid'] for p in self.srv.children()
               if p['pid'] not in self.before]
        check(wait_for(lambda: not [p for p in new if alive(p)], SLOW,
                       interval=0.1), 'pptpctrl of %s still running', what)
        time.sleep(0.3)         # the master reaps it and frees its slot
        self.before = set(p['pid'] for p in self.srv.children())


def case_graceful(env):
    only_ours('valgrind runs our pptpd')
    srv = env.server(fake=FAKE, remoteip='10.0.1.1-2')
    # A: a call with data both ways, echo, SLI, an ignored WEN.
    a = up_call(env, srv, '127.0.0.2', 0x0a0a)
    for i in range(20):
        a.send(ppp_frame(i, 40 + 30 * i))
    back = 0
    deadline = time.monotonic() + SLOW
    while back < 20 and time.monotonic() < deadline:
        if a.recv(1.0) is not None:
            back += 1
    check(back > 0, 'no data echoed back on call A')
    a.ctrl.echo(timeout=SLOW)
    a.ctrl.send_msg(SLI, peer_call_id=a.call_id)
    a.ctrl.send_msg(WEN, peer_call_id=a.client_call_id, crc=1)
    # B: a call cleared by CCRQ, then StopCCRQ: pptpctrl B exits.
    kids = Kids(srv)
    b = up_call(env, srv, '127.0.0.3', 0x0b0b)
    b.send(ppp_frame(1))
    b.ctrl.send_msg(CCRQ, call_id=b.client_call_id)
    b.ctrl.expect(CDN, SLOW)
    b.ctrl.send_msg(STOPCCRQ)
    b.ctrl.expect(STOPCCRP, SLOW)
    b.ctrl.expect_close(SLOW)
    kids.gone('call B')
    # E: a hostile header (bad magic): the server closes.
    e = env.ctrl('127.0.0.6')
    e.send(raw_msg(SCCRQ, bytes(144), magic=0xdeadbeef))
    try:
        e.expect_close(SLOW, allow=tuple(range(1, 16)))
    except TestFailure:
        pass
    e.close()
    kids.gone('connection E (bad magic)')
    # F: a control connection reset by the client.
    f = env.ctrl('127.0.0.7')
    f.start()
    f.reset()
    kids.gone('connection F (RST)')
    # C takes the second address; D is beyond the pool (No-Resource or
    # a refusal: either is fine here, the process must exit cleanly).
    c = up_call(env, srv, '127.0.0.4', 0x0c0c)
    d = env.ctrl('127.0.0.5')
    try:
        d.send_msg(SCCRQ)
        m = d.recv(SLOW)
        if m is not None and m.type == SCCRP and m.result == 1:
            d.send_msg(OCRQ, call_id=0x0d0d)
            d.recv(SLOW)
        d.send_msg(STOPCCRQ)
        d.recv(SLOW)
    except (Closed, OSError):
        pass
    d.close()
    # C's client goes away (FIN).
    c.ctrl.close()
    kids.gone('call C (FIN) and connection D (refused)')
    # SIGHUP: the master re-reads its configuration (reload path).
    srv.signal(signal.SIGHUP)
    time.sleep(1.0)
    check(srv.proc.poll() is None, 'master died on SIGHUP')
    a.ctrl.echo(ident=7, timeout=SLOW)
    # SIGTERM: A gets CDN and StopCCRQ, answers; everything exits.
    everyone = [p['pid'] for p in srv.descendants()]
    srv.signal(signal.SIGTERM)
    a.ctrl.expect(CDN, SLOW)
    a.ctrl.expect(STOPCCRQ, SLOW)
    a.ctrl.send_msg(STOPCCRP, result=1)
    try:
        srv.proc.wait(60)
    except Exception:
        raise TestFailure('master still running 60 s after SIGTERM')
    check(srv.proc.returncode == 0, 'master exit status %r',
          srv.proc.returncode)
    # Valgrind writes its leak report as a process exits: give the last
    # ones time before the harness SIGKILLs what is left.
    def left():
        reap_orphans()
        return [p for p in everyone if alive(p)]
    wait_for(lambda: not left(), 20.0, interval=0.1)


if __name__ == '__main__':
    main([case_graceful], case_timeout=240)
