#!/usr/bin/python3
"""Hostile GRE (RFC 2637 4.1-4.4; behaviour.txt "GRE"): wrong call id,
version, flags, protocol; truncated headers; payload length larger or
smaller than the packet; packets from another address; duplicates, stale
and reordered packets, huge gaps; a flood of out-of-order packets.
Exactly the right frames reach pppd, in order, and the pptpctrl's memory
stays bounded."""
import os
import random
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
FAKE = ['fake-mode sink', 'fake-send-lcp']


def up_call(env, srv, src='127.0.0.2', call_id=0x6161):
    c = env.call(srv, src=src, call_id=call_id)
    c.bring_up()
    return c, srv.record_for(src)


def tag(name, i=0):
    """A recognisable PPP frame naming the packet that carried it."""
    t = ('%s/%d' % (name, i)).encode()
    # 0x7e/0x7d/0x00 need escaping; 0x7f (VERASE) would be eaten by a
    # pty still in canonical mode.
    return b'\xff\x03\x00\x21' + t + b'\x7e\x7d\x00\x7f' * 3


def settle(rec, n, timeout=2.0):
    """Wait until pppd has n frames (or timeout), then a little more so
    that anything extra would show up too."""
    wait_for(lambda: len(rec.reload().ins) >= n, timeout)
    time.sleep(0.3)
    return rec.reload().ins


def hostile_headers(cid, seq):
    """(name, packet) with a bad header; seq is the next good number."""
    pl = tag('x')
    out = []
    out.append(('wrong call id', gre_build(cid ^ 1, tag('cid'), seq=seq)))
    out.append(('call id 0', gre_build(0, tag('cid0'), seq=seq))
               if cid != 0 else None)
    for v in (0, 2, 3, 7):
        out.append(('version %d' % v, gre_build(
            cid, tag('ver', v), seq=seq, flags2=0x00 | v)))
    out.append(('K=0', gre_build(cid, tag('k0'), seq=seq, flags1=0x10)))
    for name, f1 in (('C bit', 0xb0), ('R bit', 0x70), ('s bit', 0x38),
                     ('recur 1', 0x31), ('recur 7', 0x37)):
        out.append((name, gre_build(cid, tag(name), seq=seq, flags1=f1)))
    for bit in (0x08, 0x10, 0x20, 0x40):
        out.append(('flags bit %#x' % bit, gre_build(
            cid, tag('flags', bit), seq=seq, flags2=0x01 | bit)))
    for proto in (0x0800, 0x880A, 0x0000, 0xffff):
        out.append(('proto %#x' % proto, gre_build(
            cid, tag('proto', proto), seq=seq, proto=proto)))
    full = gre_build(cid, tag('trunc'), seq=seq)
    for n in (0, 1, 4, 7, 8, 11):
        out.append(('truncated to %d' % n, full[:n]))
    fullack = gre_build(cid, tag('trunca'), seq=seq, ack=0)
    out.append(('S+A header cut at 15', fullack[:15]))
    p = tag('plen')
    out.append(('plen +1', gre_build(cid, p, seq=seq, plen=len(p) + 1)))
    out.append(('plen +12', gre_build(cid, p, seq=seq, plen=len(p) + 12)))
    out.append(('plen 0xffff', gre_build(cid, p, seq=seq, plen=0xffff)))
    out.append(('plen -1', gre_build(cid, p, seq=seq, plen=len(p) - 1)))
    out.append(('plen 0 with S', gre_build(cid, p, seq=seq, plen=0)))
    out.append(('header only, plen 10', gre_build(cid, b'', seq=seq,
                                                  plen=10)))
    return [x for x in out if x]


def case_bad_headers(env):
    """Each bad header carries a frame that must never reach pppd; a good
    packet after each one must (so the bad one did not wedge anything)."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    cid = c.call_id
    want = []
    seq = 0
    bad = hostile_headers(cid, 0)
    for i, (name, pkt) in enumerate(bad):
        # A fresh, valid next sequence number each time so the bad one
        # would be acceptable but for its header.
        b = hostile_headers(cid, seq)[i][1]
        c.gre.send(b)
        good = tag('good', i)
        c.send(good, seq=seq)
        want.append(good)
        seq += 1
        time.sleep(0.005)
    ins = settle(rec, len(want))
    leaked = [x for x in ins if not x.startswith(b'\xff\x03\x00\x21good')]
    check(not leaked, 'frames from bad headers reached pppd: %r',
          [x[4:20] for x in leaked])
    check(ins == want, 'pppd got %d of %d good frames (missing %r)',
          len(ins), len(want), [x[4:14] for x in want if x not in ins][:5])
    check(not rec.bad and not rec.runts and not rec.junk,
          'pppd saw bad framing: bad %r runts %r junk %r', rec.bad,
          rec.runts, rec.junk)
    check(c.ctrl.is_open(), 'control connection closed by bad GRE')


def case_trailing_bytes(env):
    """Bytes after the payload length... RFC 2637 4.1 / behaviour.txt:
    payload length != bytes present -> dropped."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.send(tag('trail'), extra=b'\0\0\0\0')
    c.send(tag('ok', 1))
    ins = settle(rec, 1)
    check(ins == [tag('ok', 1)], 'pppd got %r', [x[4:14] for x in ins])


def case_other_address(env):
    """Right call id and sequence, wrong source address: dropped."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    other = env.gre('127.0.0.3')
    for i in range(5):
        other.send(gre_build(c.call_id, tag('spoof', i), seq=i))
    c.send(tag('real', 0), seq=0)
    for i in range(5, 8):
        other.send(gre_build(c.call_id, tag('spoof', i), seq=i))
    c.send(tag('real', 1), seq=1)
    ins = settle(rec, 2)
    check(ins == [tag('real', 0), tag('real', 1)],
          'pppd got %r', [x[4:14] for x in ins])


def case_duplicates_stale(env):
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.seq = 100
    for i in range(5):
        c.send(tag('d', 100 + i), seq=100 + i)
        c.send(tag('d', 100 + i), seq=100 + i)       # duplicate
    c.send(tag('stale', 101), seq=101)               # stale
    c.send(tag('stale', 50), seq=50)                 # old
    c.send(tag('d', 105), seq=105)
    ins = settle(rec, 6)
    want = [tag('d', 100 + i) for i in range(6)]
    check(ins == want, 'pppd got %r', [x[4:14] for x in ins])


def case_reorder(env):
    """10, 12, 11: delivered 10, 11, 12 (or 11 dropped), never 12 then 11
    (RFC 4.3); a held packet is released by timer, not by more traffic."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.send(tag('r', 10), seq=10)
    c.send(tag('r', 12), seq=12)
    c.send(tag('r', 11), seq=11)
    ins = settle(rec, 3)
    check(ins in ([tag('r', 10), tag('r', 11), tag('r', 12)],
                  [tag('r', 10), tag('r', 12)]),
          'order %r', [x[4:14] for x in ins])
    if OURS:
        check(len(ins) == 3, 'immediate reorder dropped 11 (%r)',
              [x[4:14] for x in ins])
    # Gap: 13 lost, 14 arrives, nothing after: 14 must come out alone.
    t0 = time.monotonic()
    c.send(tag('r', 14), seq=14)
    ok = wait_for(lambda: tag('r', 14) in rec.reload().ins, 1.0)
    dt = time.monotonic() - t0
    check(ok, 'packet after a gap held forever (no timer-driven expiry)')
    check(dt < lim(0.6), 'packet after a gap held %.2f s', dt)
    # 13 turning up late is stale now.
    c.send(tag('r', 13), seq=13)
    c.send(tag('r', 15), seq=15)
    ins = settle(rec, len(ins) + 2)
    check(tag('r', 13) not in ins, '13 delivered after 14 (RFC 4.3)')
    check(ins[-1] == tag('r', 15), 'last %r', ins[-1][4:14])


def case_huge_gap(env):
    """A jump far ahead (a loss gap) is accepted; the old numbers are then
    stale; acks follow the new number."""
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.send(tag('g', 0), seq=0)
    c.send(tag('g', 1), seq=1)
    c.send(tag('g', 100001), seq=100001)
    c.send(tag('g', 2), seq=2)
    c.send(tag('g', 100002), seq=100002)
    ins = settle(rec, 4)
    check(ins[:2] == [tag('g', 0), tag('g', 1)], 'head %r',
          [x[4:14] for x in ins])
    check(tag('g', 100001) in ins and tag('g', 100002) in ins,
          'packets after a big gap lost: %r', [x[4:14] for x in ins])
    check(ins.index(tag('g', 100001)) < ins.index(tag('g', 100002)),
          'out of order')
    if tag('g', 2) in ins:
        check(ins.index(tag('g', 2)) < ins.index(tag('g', 100001)),
              '2 delivered after 100001')
    check(c.wait_ack(100002, 1.0), 'acks %r, want 100002', c.acks[-3:])
    # Half the sequence space behind counts as old: dropped.
    c.send(tag('g', 0x80000000), seq=(100002 + 0x80000001) & 0xffffffff)
    c.send(tag('g', 100003), seq=100003)
    ins = settle(rec, len(ins) + 1)
    check(tag('g', 0x80000000) not in ins, 'a packet 2^31 behind was '
          'delivered')
    check(ins[-1] == tag('g', 100003), 'normal flow after: %r',
          ins[-1][4:14])


def case_ack_garbage(env):
    """Acks for numbers never sent (Cisco's 0xffffffff) and ack-only
    packets with odd values change nothing; data keeps flowing."""
    srv = env.server(fake=['fake-mode echo', 'fake-send-lcp'])
    c, rec = up_call(env, srv)
    for a in (0xffffffff, 0x7fffffff, 12345, 0):
        c.gre.send(gre_build(c.call_id, b'', ack=a))
        c.send(tag('a', a & 0xff), ack=a)
    got = [c.recv(2.0) for _ in range(4)]
    check(all(p is not None for p in got), 'echoes missing after odd acks')
    check([p.payload for p in got] ==
          [tag('a', a & 0xff) for a in (0xffffffff, 0x7fffffff, 12345, 0)],
          'payloads')
    check([p.seq for p in got] == [1, 2, 3, 4], 'server seqs %r',
          [p.seq for p in got])


def case_flood_out_of_order(env):
    """10000 packets: random order, duplicates, far-future and stale
    numbers.  pppd gets a strictly increasing subsequence with nothing
    twice; pptpctrl's RSS stays bounded; normal traffic works after."""
    srv = env.server(fake=FAKE + ['fake-log-frames 1'])
    c, rec = up_call(env, srv)
    pid = srv.ctrl_pids()[0]
    c.send(tag('f', 0), seq=0)
    settle(rec, 1)
    rss0 = rss_kb(pid)
    rnd = random.Random(1)
    base = 1
    sent = 0
    payload = b'\xff\x03\x00\x21' + bytes(1000)
    for rounds in range(20):
        seqs = list(range(base, base + 300))
        rnd.shuffle(seqs)
        seqs += [rnd.randrange(base, base + 300) for _ in range(100)]
        seqs += [base + 1000 + rnd.randrange(0, 50000) for _ in range(50)]
        seqs += [(base - rnd.randrange(1, 0x7fffffff)) & 0xffffffff
                 for _ in range(50)]
        for s in seqs:
            c.gre.send(gre_build(c.call_id, payload[:8] +
                                 struct.pack('>I', s) + payload[12:],
                                 seq=s))
            sent += 1
        base += 300
        c.ctrl.service()
    time.sleep(1.0)
    c.ctrl.service()
    ins = rec.reload().ins[1:]
    seqs = [struct.unpack('>I', x[8:12])[0] for x in ins]
    check(len(seqs) == len(set(seqs)), 'pppd got duplicates (%d frames, '
          '%d distinct)', len(seqs), len(set(seqs)))
    check(all(seq_gt(b, a) for a, b in zip(seqs, seqs[1:])),
          'pppd got frames out of order, e.g. %r',
          [(a, b) for a, b in zip(seqs, seqs[1:]) if not seq_gt(b, a)][:3])
    # How many survive depends on timing (far-future numbers move the
    # window on, making later in-range ones stale); some must.
    check(seqs, 'none of %d frames delivered', sent)
    rss1 = rss_kb(pid)
    # Sanitizer runtimes keep allocation stacks: RSS means nothing there.
    if not os.environ.get('PPTPD_SANITIZER'):
        check(rss1 - rss0 < 4096, 'pptpctrl RSS grew from %d to %d kB',
              rss0, rss1)
    # Normal traffic still works: continue after the highest delivered.
    # Beyond every far-future number sent (base + 1000 + 50000 at most).
    nxt = base + 60000
    c.send(tag('after', 1), seq=nxt)
    c.send(tag('after', 2), seq=nxt + 1)
    ok = wait_for(lambda: rec.reload().ins[-2:] ==
                  [tag('after', 1), tag('after', 2)], 2.0)
    check(ok, 'normal traffic broken after the flood: last %r',
          [x[4:16] for x in rec.ins[-2:]])
    check(c.ctrl.is_open(1.0), 'control connection died')


def case_flood_rss_repeat(env):
    """Floods of gaps (every other packet missing) repeated: RSS after the
    5th round is no higher than after the 1st (nothing accumulates)."""
    srv = env.server(fake=FAKE + ['fake-log-frames 0'])
    c, rec = up_call(env, srv)
    pid = srv.ctrl_pids()[0]
    payload = b'\xff\x03\x00\x21' + bytes(1400)
    s = 0
    rss = []
    for r in range(5):
        for i in range(3000):
            c.gre.send(gre_build(c.call_id, payload, seq=s))
            s += 2
        c.sleep(0.5)
        rss.append(rss_kb(pid))
    if not os.environ.get('PPTPD_SANITIZER'):
        check(rss[-1] - rss[0] < 1024, 'pptpctrl RSS by round: %r kB', rss)
    check(c.ctrl.is_open(1.0), 'control connection died')


def case_early_gre(env):
    """GRE right after OCRP, before pppd runs: not echoed back by the tty
    nor sent anywhere (quirk 24); pppd gets each frame once or not at
    all, in order."""
    srv = env.server(fake=['fake-mode sink', 'fake-sleep-start 0.7'])
    c = env.call(srv, src='127.0.0.2', call_id=0x7171)
    c.setup()
    for i in range(5):
        c.send(tag('early', i))
    back = [p for p in c.gre.collect(1.5, c.client_call_id) if p.has_seq]
    check(not back, 'early GRE came back as data (tty echo?): %r', back)
    rec = srv.record_for('127.0.0.2')
    c.send(tag('late', 0))
    ins = settle(rec, 1)
    early = [x for x in ins if b'early' in x]
    check(early == [tag('early', i) for i in range(5)][:len(early)] or
          sorted(early) == early, 'early frames %r',
          [x[4:14] for x in early])
    check(len(early) == len(set(early)), 'early frames duplicated')
    check(ins and ins[-1] == tag('late', 0), 'data after pppd start lost: %r',
          [x[4:14] for x in ins])
    check(not rec.junk and not rec.bad, 'pppd saw junk %r bad %r',
          rec.junk, rec.bad)



if __name__ == '__main__':
    main([case_bad_headers, case_trailing_bytes, case_other_address,
          case_duplicates_stale, case_reorder, case_huge_gap,
          case_ack_garbage, case_flood_out_of_order, case_flood_rss_repeat,
          case_early_gre])
