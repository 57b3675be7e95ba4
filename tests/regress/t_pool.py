#!/usr/bin/python3
"""Address pool, `connections` and call ids (behaviour.txt): exhaustion ->
OCRP result 2 error 4 (or a clean refusal), leases come back, call ids are
non-zero and unique."""
import os
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'


def try_call(env, srv, src, call_id=1):
    """'ok' (OCRP result 1), 'busy' (OCRP 2/4), or 'refused' (closed or an
    error SCCRP).  Anything else is a failure."""
    try:
        c = env.ctrl(src)
    except OSError:
        return 'refused', None
    try:
        c.send_msg(SCCRQ)
        m = c.recv(3.0)
        if m is None:
            raise TestFailure('connection beyond the limit hangs: no SCCRP '
                              'within 3 s')
        check(m.type == SCCRP, 'got %r, want SCCRP', m)
        if m.result != 1:
            c.expect_close(3.0)
            return 'refused', c
        c.send_msg(OCRQ, call_id=call_id)
        m = c.expect(OCRP)
    except Closed:
        return 'refused', c
    if m.result == 1:
        return 'ok', c
    check(m.result == 2 and m.error == 4, 'OCRP result %d error %d, want '
          '2/4 (No-Resource)', m.result, m.error)
    return 'busy', c


def case_pool_exhaustion(env):
    srv = env.server(remoteip='10.0.1.1-3')
    got, ctrls = [], []
    for i in range(3):
        src = '127.0.0.%d' % (2 + i)
        r, c = try_call(env, srv, src)
        check(r == 'ok', 'call %d: %s', i, r)
        ctrls.append(c)
        got.append(remote_of(srv.record_for(src)))
    check(sorted(got) == ['10.0.1.1', '10.0.1.2', '10.0.1.3'],
          'addresses %r', got)
    r, c = try_call(env, srv, '127.0.0.9')
    check(r in ('busy', 'refused'), 'call beyond the pool: %s', r)
    # behaviour.txt: OCRQ with the pool exhausted -> OCRP 2/4 (a single
    # extra client is no flood: no reason to drop it unanswered).
    if OURS:
        check(r == 'busy', 'call beyond the pool: %s, want OCRP 2/4', r)
    if OURS and r == 'busy':
        # The refused call started no pppd.
        check(len(srv.records()) == 3, 'pppd started for a refused call')
    # The three calls are unaffected.
    for i, c in enumerate(ctrls):
        check(c.is_open(1.0), 'call %d died when the pool ran out', i)


def case_pool_ocrq_after_sccrq(env):
    """Four connections established first, then four OCRQs: exactly three
    calls, the fourth gets OCRP 2/4 (or its connection was refused)."""
    only_ours('PoPToP hangs the 4th connection')
    srv = env.server(remoteip='10.0.1.1-3')
    conns = []
    refused = 0
    for i in range(4):
        try:
            c = env.ctrl('127.0.0.%d' % (2 + i))
            c.send_msg(SCCRQ)
            m = c.recv(3.0)
            if m is None:
                raise TestFailure('4th connection hangs')
            if m.type == SCCRP and m.result == 1:
                conns.append(c)
            else:
                refused += 1
        except (Closed, OSError):
            refused += 1
    res = []
    for i, c in enumerate(conns):
        try:
            c.send_msg(OCRQ, call_id=i)
            m = c.expect(OCRP)
            res.append((m.result, m.error))
        except TestFailure:
            res.append('closed')
    ok = res.count((1, 0))
    check(ok == 3, 'calls established %d, want 3 (%r)', ok, res)
    check(res.count((2, 4)) + refused == 1, 'results %r, refused %d', res,
          refused)


def case_lease_returns(env):
    srv = env.server(remoteip='10.0.1.1-3')
    calls = {}
    for i in range(3):
        src = '127.0.0.%d' % (2 + i)
        r, c = try_call(env, srv, src)
        check(r == 'ok', 'call %d %s', i, r)
        calls[src] = (c, remote_of(srv.record_for(src)))
    # End the call holding 10.0.1.2.
    src2 = [s for s, (c, a) in calls.items() if a == '10.0.1.2'][0]
    c, _ = calls.pop(src2)
    c.send_msg(STOPCCRQ, reason=1)
    c.expect(STOPCCRP)
    c.expect_close()
    wait_for(lambda: len(srv.ctrl_pids()) == 2, 3.0)
    time.sleep(0.2)
    r, c = try_call(env, srv, '127.0.0.20')
    check(r == 'ok', 'freed address not reusable: %s', r)
    a = remote_of(srv.record_for('127.0.0.20'))
    check(a == '10.0.1.2', 'new call got %s, the only free address is '
          '10.0.1.2', a)
    r, c = try_call(env, srv, '127.0.0.21')
    check(r == 'busy' if OURS else r in ('busy', 'refused'),
          'pool should be full again: %s', r)


def case_connections_limit(env):
    srv = env.server(remoteip='10.0.1.1-20', connections=2)
    for i in range(2):
        r, c = try_call(env, srv, '127.0.0.%d' % (2 + i))
        check(r == 'ok', 'call %d: %s', i, r)
    r, c = try_call(env, srv, '127.0.0.9')
    check(r == 'busy' if OURS else r in ('busy', 'refused'),
          '3rd call with connections 2: %s, want OCRP 2/4', r)


def case_delegate_limit(env):
    """delegate: no addresses, but `connections` still enforced (PoPToP
    did not)."""
    only_ours('PoPToP ignores connections with delegate')
    srv = env.server(conf={'delegate': True}, localip=None, remoteip=None,
                     connections=2)
    for i in range(2):
        r, c = try_call(env, srv, '127.0.0.%d' % (2 + i))
        check(r == 'ok', 'call %d: %s', i, r)
    r, c = try_call(env, srv, '127.0.0.9')
    check(r == 'busy', '3rd call, delegate, connections 2: %s, want OCRP '
          '2/4', r)


def case_call_ids_unique(env):
    srv = env.server(remoteip='10.0.1.1-30')
    ids = []
    for i in range(12):
        # Same client call id everywhere, several from one address.
        r, c = try_call(env, srv, '127.0.0.%d' % (2 + i % 3), call_id=0)
        check(r == 'ok', 'call %d: %s', i, r)
        m = c.log[-1]
        ids.append(m.call_id)
    if OURS:
        check(0 not in ids, 'call id 0 assigned: %r', ids)
    check(len(set(ids)) == len(ids), 'duplicate server call ids: %r', ids)


if __name__ == '__main__':
    main([case_pool_exhaustion, case_pool_ocrq_after_sccrq,
          case_lease_returns, case_connections_limit, case_delegate_limit,
          case_call_ids_unique])
