#!/usr/bin/python3
"""SIGTERM of the master (behaviour.txt): every pptpctrl sends CDN
(result 3) if a call is up and StopCCRQ (reason 3), waits briefly, closes;
nothing is left running.  SIGHUP re-reads the configuration and keeps live
calls."""
import os
import signal
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403


def up_call(env, srv, src, call_id):
    c = env.call(srv, src=src, call_id=call_id)
    c.bring_up()
    return c, srv.record_for(src)


def case_sigterm(env):
    only_ours('PoPToP leaves its children running on SIGTERM')
    srv = env.server(fake=['fake-mode echo', 'fake-send-lcp'])
    a, ra = up_call(env, srv, '127.0.0.2', 11)
    b, rb = up_call(env, srv, '127.0.0.3', 12)
    ctl = env.ctrl('127.0.0.4')          # control connection, no call
    ctl.start()
    half = env.ctrl('127.0.0.5')         # TCP only, nothing sent
    wait_for(lambda: len(srv.ctrl_pids()) >= 4, 3.0)
    everyone = [p['pid'] for p in srv.descendants()]
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    for c in (a, b):
        m = c.ctrl.expect(CDN, 3.0)
        check(m.call_id == c.call_id, 'CDN call id %d, want %d', m.call_id,
              c.call_id)
        check(m.result == 3, 'CDN result %d, want 3 (Admin Shutdown)',
              m.result)
        m = c.ctrl.expect(STOPCCRQ, 3.0)
        check(m.reason == 3, 'StopCCRQ reason %d, want 3', m.reason)
    m = ctl.expect(STOPCCRQ, 3.0)
    check(m.reason == 3, 'StopCCRQ reason %d, want 3', m.reason)
    # a answers, b and ctl do not: all closed within a few seconds.
    a.ctrl.send_msg(STOPCCRP, result=1)
    a.ctrl.expect_close(3.0)
    b.ctrl.expect_close(8.0)
    ctl.expect_close(8.0)
    half.expect_close(8.0, allow=(STOPCCRQ,))
    try:
        srv.proc.wait(lim(10))
    except Exception:
        raise TestFailure('master still running 10 s after SIGTERM')
    check(srv.proc.returncode == 0, 'master exit status %r',
          srv.proc.returncode)
    left = [p for p in everyone if alive(p)]
    check(not left, 'processes left after SIGTERM: %r', left)
    check(not alive(ra.pid) and not alive(rb.pid), 'pppd left running')
    check(not listening(), 'port 1723 still listening')
    check(time.monotonic() - t0 < lim(12), 'shutdown took %.1fs',
          time.monotonic() - t0)
    if os.getpid() == 1:
        others = [p for p in procs().values()
                  if p['pid'] != 1 and p['state'] != 'Z']
        check(not others, 'processes left in the namespace: %r', others)


def case_sigterm_idle(env):
    """No connections: the master exits promptly with status 0."""
    srv = env.server()
    t0 = time.monotonic()
    srv.signal(signal.SIGTERM)
    try:
        srv.proc.wait(lim(5))
    except Exception:
        raise TestFailure('master still running 5 s after SIGTERM')
    check(srv.proc.returncode == 0, 'exit status %r', srv.proc.returncode)
    check(time.monotonic() - t0 < lim(3), 'took %.1fs', time.monotonic() - t0)


def case_sighup_keeps_calls(env):
    """SIGHUP re-reads the configuration; live calls keep going and new
    calls use the new configuration."""
    only_ours('SIGHUP kills PoPToP')
    srv = env.server(fake=['fake-mode echo', 'fake-send-lcp'],
                     remoteip='10.0.1.1-5')
    a, ra = up_call(env, srv, '127.0.0.2', 1)
    with open(srv.conffile) as f:
        text = f.read()
    with open(srv.conffile, 'w') as f:
        f.write(text.replace('remoteip 10.0.1.1-5', 'remoteip 10.0.2.1-5'))
    srv.signal(signal.SIGHUP)
    time.sleep(0.5)
    check(srv.proc.poll() is None, 'master died on SIGHUP')
    a.send(ppp_frame(1))
    p = a.recv(2.0)
    check(p is not None and p.payload == ppp_frame(1), 'live call broken '
          'by SIGHUP')
    b, rb = up_call(env, srv, '127.0.0.3', 2)
    check('10.0.0.1:10.0.2.1' in rb.argv, 'new call argv %r: want the '
          'reloaded pool', rb.argv)
    check('10.0.0.1:10.0.1.1' in ra.argv, 'old call argv %r', ra.argv)


if __name__ == '__main__':
    main([case_sigterm, case_sigterm_idle, case_sighup_keeps_calls])
