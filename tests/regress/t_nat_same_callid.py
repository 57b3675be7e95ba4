#!/usr/bin/python3
"""Two clients behind one NAT (RFC 2637 3.2.2; MS-PTPT 3.1.5.1.1; quirks
34-35): two control connections from one address, both with client call
id 0. Both work, get distinct server call ids, and their data is kept
apart; ending one leaves the other alone."""
import os
import struct
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403


def frame(tag, i):
    return b'\xff\x03\x00\x21' + tag + struct.pack('>I', i) + bytes(
        range(40))


def case_same_callid(env):
    srv = env.server(fake=['fake-mode echo', 'fake-send-lcp'])
    gre = env.gre('127.0.0.2')        # one GRE socket: the NAT's address
    a = env.call(srv, src='127.0.0.2', call_id=0, gre=gre)
    a.setup()
    b = env.call(srv, src='127.0.0.2', call_id=0, gre=gre)
    b.setup()
    check(a.call_id != b.call_id, 'both calls got server call id %d',
          a.call_id)
    recs = wait_for(lambda: [r for r in srv.records() if r.started]
                    if len([r for r in srv.records() if r.started]) >= 2
                    else None, 5.0)
    check(recs and len(recs) == 2, 'want two pppds, have %r', recs)
    # Both pppds said LCP Configure-Request: two packets with key 0, both
    # seq 0 (two independent sequence spaces).
    lcps = []
    while len(lcps) < 2:
        p = gre.recv(3.0, call_id=0, data_only=True)
        check(p is not None, 'only %d LCP packets arrived', len(lcps))
        lcps.append(p)
    check([p.seq for p in lcps] == [0, 0], 'seqs %r', [p.seq for p in lcps])
    # Interleave data from both calls; each pppd must see only its own.
    n = 20
    for i in range(n):
        a.send(frame(b'A', i))
        b.send(frame(b'B', i))
    got = []
    while True:
        p = gre.recv(1.0, call_id=0, data_only=True)
        if p is None:
            break
        got.append(p.payload)
    want = sorted([frame(b'A', i) for i in range(n)] +
                  [frame(b'B', i) for i in range(n)])
    check(sorted(got) == want, 'echoes: got %d packets, want %d exactly '
          'once each', len(got), len(want))
    ins = sorted((r.reload().ins for r in recs), key=lambda x: x[0][4:5])
    check(ins[0] == [frame(b'A', i) for i in range(n)],
          'pppd of call A got %r', [x[4:9] for x in ins[0]][:5])
    check(ins[1] == [frame(b'B', i) for i in range(n)],
          'pppd of call B got %r', [x[4:9] for x in ins[1]][:5])
    # Clearing A leaves B working.
    rec_a = [r for r in recs if r.ins[0][4:5] == b'A'][0]
    rec_b = [r for r in recs if r.ins[0][4:5] == b'B'][0]
    a.ctrl.send_msg(STOPCCRQ, reason=1)
    a.ctrl.expect(STOPCCRP)
    a.ctrl.expect_close()
    check(wait_for(lambda: not alive(rec_a.pid), 3.0), 'pppd A not gone')
    check(alive(rec_b.pid), 'pppd B died with A')
    b.send(frame(b'B', 99))
    p = gre.recv(2.0, call_id=0, data_only=True)
    check(p is not None and p.payload == frame(b'B', 99),
          'call B broken after A ended: %r', p)
    check(rec_b.reload().ins[-1] == frame(b'B', 99), 'pppd B missed it')


def case_same_random_callid(env):
    """Same, with both clients using the same non-zero id (a NAT without a
    PPTP helper passes ids through)."""
    srv = env.server(fake=['fake-mode sink', 'fake-send-lcp'])
    gre = env.gre('127.0.0.2')
    a = env.call(srv, src='127.0.0.2', call_id=0x5151, gre=gre)
    a.setup()
    b = env.call(srv, src='127.0.0.2', call_id=0x5151, gre=gre)
    b.setup()
    check(a.call_id != b.call_id, 'same server call id')
    for i in range(2):
        check(gre.recv(3.0, call_id=0x5151, data_only=True),
              'pppd %d not up', i)
    a.send(frame(b'A', 1))
    b.send(frame(b'B', 1))
    time.sleep(0.5)
    recs = [r.reload() for r in srv.records()]
    allin = sorted(x for r in recs for x in r.ins)
    check(allin == sorted([frame(b'A', 1), frame(b'B', 1)]),
          'frames at the pppds: %r', [r.ins for r in recs])
    check(all(len(r.ins) == 1 for r in recs), 'a pppd got both frames')


def case_wrong_server_callid(env):
    """GRE from the right address but with the other call's... or an
    unknown server call id reaches nobody."""
    srv = env.server(fake=['fake-mode sink', 'fake-send-lcp'])
    gre = env.gre('127.0.0.2')
    a = env.call(srv, src='127.0.0.2', call_id=0, gre=gre)
    a.setup()
    rec = srv.record_for('127.0.0.2')
    check(a.recv(3.0), 'pppd not up')
    for cid in set([(a.call_id + k) & 0xffff for k in (1, 2, 0x100)] +
                   [0]) - {a.call_id}:
        gre.send(gre_build(cid, frame(b'X', cid), seq=0))
    a.send(frame(b'A', 0))
    wait_for(lambda: rec.reload().ins, 2.0)
    time.sleep(0.3)
    check(rec.reload().ins == [frame(b'A', 0)], 'pppd got %r',
          rec.ins)



if __name__ == '__main__':
    main([case_same_callid, case_same_random_callid,
          case_wrong_server_callid])
