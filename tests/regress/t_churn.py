#!/usr/bin/python3
"""Churn: 1000 connect/call/disconnect cycles (with every teardown style)
leave the master exactly where it started: open descriptors, children,
leased addresses (the whole pool can be leased again, and no more), and
memory."""
import os
import socket
import sys
import threading
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
CYCLES = int(os.environ.get('PPTPC_CHURN', '1000'))
THREADS = 4
POOL = 8


LOCK = threading.Lock()


def count(stats, k):
    with LOCK:
        stats[k] += 1


def cycle(src, k, stats):
    c = Ctrl(src, timeout=3.0)
    try:
        c.send(build(SCCRQ) + build(OCRQ, call_id=k & 0xffff))
        try:
            m = c.recv(3.0)
        except Closed:
            # With the pool full and the master's "busy" answerers all
            # in use, a connection may just be closed (behaviour.txt).
            count(stats, 'refused')
            return 'refused'
        check(m is not None, 'no SCCRP within 3 s')
        check(m.type == SCCRP and m.result == 1, 'got %r, want SCCRP', m)
        m = c.expect(OCRP, 3.0)
        if m.result != 1:
            check(m.result == 2 and m.error == 4, 'OCRP %r', m)
            count(stats, 'busy')
            c.close()
            return 'busy'
        count(stats, 'ok')
        style = k % 4
        if style == 0:
            c.close()
        elif style == 1:
            c.send_msg(STOPCCRQ, reason=1)
            c.expect(STOPCCRP, 3.0)
            c.close()
        elif style == 2:
            c.reset()
        else:
            c.send_msg(CCRQ, call_id=k & 0xffff)
            c.close()
        return 'ok'
    except Closed:
        count(stats, 'closed')
        return 'closed'
    finally:
        c.close()


def worker(t, n, stats, errors):
    for i in range(n):
        k = t * n + i
        src = '127.0.%d.%d' % (10 + t, i % 250 + 1)
        try:
            # A full pool answers "busy", rightly; back off a little, as
            # real clients do, so that a loaded machine (children slow to
            # exit) still places enough calls to exercise every teardown.
            if cycle(src, k, stats) in ('busy', 'refused'):
                time.sleep(0.01)
        except Exception as e:
            errors.append('cycle %d: %s' % (k, e))
            if len(errors) > 20:
                return


def settle(srv, timeout=10.0):
    ok = wait_for(lambda: not srv.children(), timeout, 0.05)
    check(ok, '%d children still running %.0f s after the churn',
          len(srv.children()), timeout)
    time.sleep(0.3)


def full_pool(env, srv, tag):
    """Lease the whole pool at once: every address once; one more is
    refused."""
    cs = []
    for i in range(POOL):
        c = env.ctrl('127.0.9.%d' % (i + 1))
        c.start()
        m = c.ocrq(i)
        check(m.result == 1, '%s: call %d of a pool of %d refused (%r): '
              'leases leaked', tag, i + 1, POOL, m)
        cs.append(c)
    extra = env.ctrl('127.0.9.100')
    try:
        extra.send_msg(SCCRQ)
        m = extra.recv(3.0)
        if m is not None and m.type == SCCRP and m.result == 1:
            extra.send_msg(OCRQ, call_id=99)
            m = extra.expect(OCRP)
            check(m.result != 1, '%s: a call beyond the pool was placed '
                  '(double lease)', tag)
    except Closed:
        pass
    for c in cs + [extra]:
        c.close()


def case_churn(env):
    srv = env.server(fake=['fake-mode sink', 'fake-log-frames 0'],
                     remoteip='10.0.1.1-%d' % POOL, connections=POOL)
    mpid = srv.pid
    # Warm up (lazy allocations, first children), then take the baseline.
    stats = {'ok': 0, 'busy': 0, 'closed': 0, 'refused': 0}
    for i in range(8):
        cycle('127.0.8.%d' % (i + 1), i, stats)
    settle(srv)
    full_pool(env, srv, 'before')
    settle(srv)
    fd0 = sorted(os.listdir('/proc/%d/fd' % mpid), key=int)
    rss0 = rss_kb(mpid)
    stats = {'ok': 0, 'busy': 0, 'closed': 0, 'refused': 0}
    errors = []
    t0 = time.monotonic()
    per = CYCLES // THREADS
    ths = [threading.Thread(target=worker, args=(t, per, stats, errors))
           for t in range(THREADS)]
    for th in ths:
        th.start()
    for th in ths:
        th.join(120)
    dt = time.monotonic() - t0
    print('%d cycles in %.1f s: %r' % (per * THREADS, dt, stats))
    check(not errors, '%d cycles failed:\n  %s', len(errors),
          '\n  '.join(errors[:20]))
    check(stats['ok'] >= per * THREADS // 2, 'only %d of %d calls placed '
          '(%r)', stats['ok'], per * THREADS, stats)
    check(srv.proc.poll() is None, 'master died')
    settle(srv)
    zombies = [p for p in procs().values() if p['state'] == 'Z' and
               p['ppid'] == mpid]
    check(not zombies, 'zombie children: %r', zombies)
    fd1 = sorted(os.listdir('/proc/%d/fd' % mpid), key=int)
    check(fd1 == fd0, 'master fds %r before, %r after', fd0, fd1)
    rss1 = rss_kb(mpid)
    # Sanitizer runtimes keep allocation stacks: RSS means nothing there.
    if not os.environ.get('PPTPD_SANITIZER'):
        check(rss1 - rss0 < 512, 'master RSS %d kB before, %d kB after',
              rss0, rss1)
    full_pool(env, srv, 'after')
    settle(srv)


if __name__ == '__main__':
    main([case_churn], case_timeout=150)
