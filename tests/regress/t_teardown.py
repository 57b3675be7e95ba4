#!/usr/bin/python3
"""Call and connection teardown (RFC 2637 2.3, 2.12, 2.13, 3.1.2, 3.2.4.1;
behaviour.txt): Call-Clear-Request -> CDN and pppd gone; StopCCRQ ->
StopCCRP then close; pppd exiting -> CDN then StopCCRQ; the client going
away (FIN or RST) clears the call."""
import os
import signal
import socket
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
FAKE = ['fake-mode echo', 'fake-send-lcp']


def up_call(env, srv, src='127.0.0.2', call_id=0x4242):
    c = env.call(srv, src=src, call_id=call_id)
    c.bring_up()
    return c, srv.record_for(src)


def pppd_gone(rec, timeout=3.0):
    ok = wait_for(lambda: not alive(rec.pid), timeout)
    check(ok, 'pppd (fakepppd %d) still running %.1fs later', rec.pid,
          timeout)


def ctrl_gone(srv, timeout=3.0):
    ok = wait_for(lambda: not srv.ctrl_pids(), timeout)
    check(ok, 'pptpctrl still running: %r', srv.ctrl_pids())


def case_ccrq(env):
    only_ours('PoPToP sends no CDN on CCRQ (it just closes)')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(CCRQ, call_id=c.client_call_id)
    m = c.ctrl.expect(CDN, 3.0)
    check(m.call_id == c.call_id, 'CDN call id %d, want ours %d', m.call_id,
          c.call_id)
    check(m.result == 4, 'CDN result %d, want 4 (Request)', m.result)
    check(m.stats[-1:] == b'\0', 'CDN call statistics not NUL-padded')
    pppd_gone(rec)
    rec.reload()
    check(rec.exit in ('eof', 'eio', 'sighup', 'hup', 'sigterm'),
          'pppd exit reason %r', rec.exit)
    # GRE for the cleared call is no longer forwarded.
    n = len(rec.ins)
    c.send(ppp_frame(77))
    check(c.recv(0.5) is None, 'data still echoed after CDN')
    check(len(rec.reload().ins) == n, 'frame reached a dead pppd?')
    # The control connection stays usable (the RFC clears the call only).
    check(c.ctrl.is_open(), 'control connection closed after CDN')


def case_ccrq_wrong_id(env):
    """A CCRQ naming another call id is ignored (checklist 50)."""
    only_ours('PoPToP clears its call on any CCRQ')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(CCRQ, call_id=(c.client_call_id + 1) & 0xffff)
    c.ctrl.send_msg(CCRQ, call_id=c.call_id if c.call_id !=
                    c.client_call_id else 0x7777)
    c.ctrl.expect_nothing(0.5)
    check(alive(rec.pid), 'pppd stopped by a CCRQ for another call')
    c.send(ppp_frame(5))
    p = c.recv(2.0)
    check(p is not None and p.payload == ppp_frame(5), 'call broken')


def case_ccrq_then_stop(env):
    """Windows style: CCRQ, wait CDN, StopCCRQ, wait StopCCRP, FIN."""
    only_ours('PoPToP sends no CDN on CCRQ')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(CCRQ, call_id=c.client_call_id)
    c.ctrl.expect(CDN)
    c.ctrl.send_msg(STOPCCRQ, reason=1)
    m = c.ctrl.expect(STOPCCRP)
    check(m.result == 1, 'StopCCRP result %d', m.result)
    c.ctrl.expect_close(3.0)
    pppd_gone(rec)
    ctrl_gone(srv)


def case_stopccrq(env):
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(STOPCCRQ, reason=1)
    m = c.ctrl.expect(STOPCCRP)
    check(m.result == 1 and m.error == 0, 'StopCCRP result %d error %d',
          m.result, m.error)
    # RFC 2.3: calls are cleared implicitly; a CDN is not required, but
    # nothing else may come before the close.
    c.ctrl.expect_close(3.0)
    pppd_gone(rec)
    ctrl_gone(srv)


def case_stopccrq_no_call(env):
    srv = env.server()
    c = env.ctrl('127.0.0.2')
    c.start()
    c.send_msg(STOPCCRQ, reason=3)
    m = c.expect(STOPCCRP)
    check(m.result == 1, 'StopCCRP result %d', m.result)
    c.expect_close(3.0)
    ctrl_gone(srv)
    check(not srv.records(), 'pppd started without a call')


def case_pppd_exits(env):
    """pppd ends on its own (e.g. LCP terminate): CDN result 1, then
    StopCCRQ reason 1, then close after our StopCCRP."""
    only_ours('PoPToP just closes when pppd exits')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    os.kill(rec.pid, signal.SIGUSR1)        # fakepppd: exit 0 now
    m = c.ctrl.expect(CDN, 3.0)
    check(m.call_id == c.call_id, 'CDN call id %d, want %d', m.call_id,
          c.call_id)
    check(m.result == 1, 'CDN result %d, want 1 (Lost Carrier)', m.result)
    m = c.ctrl.expect(STOPCCRQ, 3.0)
    check(m.reason == 1, 'StopCCRQ reason %d, want 1', m.reason)
    c.ctrl.send_msg(STOPCCRP, result=1)
    c.ctrl.expect_close(3.0)
    ctrl_gone(srv)


def case_pppd_exits_no_stopccrp(env):
    """Same, but the client never answers the StopCCRQ: closed anyway
    within a few seconds."""
    only_ours('PoPToP just closes when pppd exits')
    srv = env.server(fake=FAKE + ['fake-exit-after 0.5'])
    c, rec = up_call(env, srv)
    c.ctrl.expect(CDN, 3.0)
    c.ctrl.expect(STOPCCRQ, 3.0)
    t0 = time.monotonic()
    c.ctrl.expect_close(8.0, allow=(ECHORQ,))
    check(time.monotonic() - t0 < lim(8.0), 'not closed')
    ctrl_gone(srv)


def case_client_fin(env):
    """The client just closes TCP (pptp-linux, Android): call cleared."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.close()
    pppd_gone(rec)
    ctrl_gone(srv)


def case_client_ccrq_and_fin(env):
    """pptp-linux: CCRQ and FIN in the same instant."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(CCRQ, call_id=c.client_call_id)
    c.ctrl.sock.shutdown(socket.SHUT_WR)
    pppd_gone(rec)
    ctrl_gone(srv)


def case_client_rst(env):
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.reset()
    pppd_gone(rec)
    ctrl_gone(srv)


def case_client_rst_before_call(env):
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.start()
    c.reset()
    ctrl_gone(srv)
    check(not srv.records(), 'pppd started without a call')


def case_reconnect_after_teardown(env):
    """After a full teardown the same client can set up a new call and the
    server still serves others."""
    srv = env.server(fake=FAKE, remoteip='10.0.1.1-2')
    for i in range(3):
        c, rec = up_call(env, srv, call_id=i)
        c.ctrl.send_msg(STOPCCRQ, reason=1)
        c.ctrl.expect(STOPCCRP)
        c.ctrl.expect_close()
        c.close()
        pppd_gone(rec)
    ctrl_gone(srv)



if __name__ == '__main__':
    main([case_ccrq, case_ccrq_wrong_id, case_ccrq_then_stop,
          case_stopccrq, case_stopccrq_no_call, case_pppd_exits,
          case_pppd_exits_no_stopccrp, case_client_fin,
          case_client_ccrq_and_fin, case_client_rst,
          case_client_rst_before_call, case_reconnect_after_teardown])
