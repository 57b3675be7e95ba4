#!/usr/bin/python3
"""Hostile control-connection input (RFC 2637 1.4, 2.0, 3.0; behaviour.txt
"Framing"): bad magic, bad lengths, every type one byte short and long,
unknown types, PPTP message type 2, random bytes -> that connection is
closed (no reply), the call on it is torn down, and the server keeps
serving everybody else.  Split and coalesced messages are handled."""
import os
import random
import struct
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
FAKE = ['fake-mode echo', 'fake-send-lcp']
# Replies the server may send while tearing down a call it gave up on.
TEARDOWN = (CDN, STOPCCRQ)


def healthy(env, srv, src='127.0.0.200'):
    """The master is alive and a fresh client gets a full call."""
    check(srv.proc.poll() is None, 'master died (status %r)',
          srv.proc.returncode)
    c = env.call(srv, src=src, call_id=7)
    c.setup()
    c.ctrl.echo(0x11)
    c.ctrl.send_msg(STOPCCRQ, reason=1)
    c.ctrl.expect(STOPCCRP)
    c.ctrl.expect_close()
    c.close()


def must_close(c, what, timeout=1.5, allow=()):
    t0 = time.monotonic()
    try:
        got = c.expect_close(timeout, allow=allow)
    except TestFailure as e:
        raise TestFailure('%s: %s' % (what, e))
    return got, time.monotonic() - t0


def fresh(env, state, src='127.0.0.2', call_id=9):
    """A connection in state 'idle' (nothing sent), 'established' (after
    SCCRP) or 'call' (after OCRP, pppd up)."""
    c = env.ctrl(src)
    if state in ('established', 'call'):
        c.start()
    if state == 'call':
        m = c.ocrq(call_id)
        check(m.result == 1, 'OCRP result %d', m.result)
    return c


def pppd_for(srv, n_before, timeout=3.0):
    rs = wait_for(lambda: [r for r in srv.records() if r.started][n_before:]
                  or None, timeout)
    check(rs, 'pppd not started')
    return rs[0]


def bad_inputs():
    """(name, bytes) pairs of malformed control input."""
    out = []
    good = build(ECHORQ, ident=5)
    out.append(('bad magic', build(ECHORQ, ident=5, magic=0x1A2B3C4E)))
    out.append(('zero magic', build(ECHORQ, ident=5, magic=0)))
    for n in (0, 1, 11):
        out.append(('length %d' % n, good[:0] + struct.pack('>H', n) +
                    good[2:]))
    out.append(('length 12', raw_msg(ECHORQ, b'', length=12)))
    out.append(('length 65535', raw_msg(ECHORQ, good[12:], length=65535)))
    for t in range(1, 16):
        full = build(t)
        out.append(('%s one byte short' % NAMES[t],
                    struct.pack('>H', len(full) - 1) + full[2:-1]))
        out.append(('%s one byte long' % NAMES[t],
                    struct.pack('>H', len(full) + 1) + full[2:] + b'\0'))
    for t in (0, 16, 17, 0xff, 0x100, 0xffff):
        out.append(('unknown type %d' % t, raw_msg(t, b'\0' * 4)))
        out.append(('unknown type %d len 12' % t, raw_msg(t, b'')))
    out.append(('PPTP message type 2', build(ECHORQ, ident=5, mtype=2)))
    out.append(('PPTP message type 0', build(ECHORQ, ident=5, mtype=0)))
    out.append(('PPTP message type 0xffff', build(ECHORQ, ident=5,
                                                  mtype=0xffff)))
    return out


def case_malformed_with_call(env):
    """Each malformed input on a connection with a call up: closed, no
    reply but teardown messages, pppd gone; server fine afterwards."""
    only_ours('PoPToP answers several of these')
    srv = env.server(fake=FAKE, remoteip='10.0.1.1-100', connections=100)
    failures = []
    for name, data in bad_inputs():
        n = len(srv.records())
        c = fresh(env, 'call')
        rec = pppd_for(srv, n)
        c.send(data)
        try:
            must_close(c, name, 2.0, allow=TEARDOWN)
            if not wait_for(lambda: not alive(rec.pid), 3.0):
                failures.append('%s: pppd still running' % name)
        except TestFailure as e:
            failures.append(str(e))
        c.close()
    check(not failures, '%d of %d inputs mishandled:\n  %s', len(failures),
          len(bad_inputs()), '\n  '.join(failures))
    healthy(env, srv)
    check(wait_for(lambda: not srv.ctrl_pids(), 3.0), 'pptpctrl left: %r',
          srv.ctrl_pids())


def case_malformed_idle(env):
    """Each malformed input as the very first bytes: closed without a
    reply well before stimeout (2 s), no pppd."""
    srv = env.server(fake=FAKE)
    failures = []
    for name, data in bad_inputs():
        c = fresh(env, 'idle')
        c.send(data)
        try:
            got, dt = must_close(c, name, 1.5)
        except TestFailure as e:
            failures.append(str(e))
        c.close()
    if server_kind() == 'poptop':
        skip('PoPToP: %d mishandled (expected)' % len(failures))
    check(not failures, '%d of %d inputs mishandled:\n  %s', len(failures),
          len(bad_inputs()), '\n  '.join(failures))
    check(not srv.records(), 'pppd started by malformed input')
    healthy(env, srv)


def case_malformed_established(env):
    """Same after SCCRQ/SCCRP, no call yet."""
    only_ours('PoPToP answers several of these')
    srv = env.server(fake=FAKE)
    failures = []
    for name, data in bad_inputs():
        c = fresh(env, 'established')
        c.send(data)
        try:
            must_close(c, name, 1.5, allow=(STOPCCRQ,))
        except TestFailure as e:
            failures.append(str(e))
        c.close()
    check(not failures, '%d of %d inputs mishandled:\n  %s', len(failures),
          len(bad_inputs()), '\n  '.join(failures))
    check(not srv.records(), 'pppd started by malformed input')
    healthy(env, srv)


def case_random_bytes(env):
    """4 KiB of random bytes, first and after setup: closed; no crash."""
    srv = env.server(fake=FAKE, remoteip='10.0.1.1-100')
    for seed in range(8):
        rnd = random.Random(seed)
        junk = bytes(rnd.getrandbits(8) for _ in range(4096))
        c = fresh(env, 'idle')
        try:
            c.send(junk)
        except OSError:
            pass            # reset mid-write: closed, fine
        must_close(c, 'random bytes seed %d' % seed, 1.5)
        c.close()
        c = fresh(env, 'call')
        try:
            c.send(junk)
        except OSError:
            pass
        must_close(c, 'random bytes after setup, seed %d' % seed, 2.0,
                   allow=TEARDOWN + ((ECHORP,) if not OURS else ()))
        c.close()
    healthy(env, srv)


def case_reserved_ignored(env):
    """Non-zero Reserved0/Reserved1 are ignored (RFC 2.0, MS-PTPT 2.2)."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.send_msg(SCCRQ, reserved0=0xa196, reserved1=0xffff)
    m = c.expect(SCCRP)
    check(m.result == 1, 'SCCRQ with reserved bits: result %d', m.result)
    c.send_msg(ECHORQ, ident=3, reserved0=1)
    check(c.expect(ECHORP).ident == 3, 'echo ident')
    c.send_msg(OCRQ, call_id=4, reserved1=0x5555, reserved0=0x7777)
    m = c.expect(OCRP)
    check(m.result == 1, 'OCRQ with reserved bits: result %d', m.result)


def case_unterminated_strings(env):
    """Host name / vendor / phone fill all 64 octets, no NUL (quirks)."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.send_msg(SCCRQ, hostname=b'H' * 64, vendor=b'\xff' * 64)
    check(c.expect(SCCRP).result == 1, 'SCCRQ refused')
    m = c.ocrq(1, phone=b'9' * 64, subaddr=b'\x01' * 64, phone_len=65535)
    check(m.result == 1, 'OCRQ refused')


def case_dribble(env):
    """SCCRQ and OCRQ one byte at a time."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.dribble(build(SCCRQ), 0.003)
    check(c.expect(SCCRP).result == 1, 'SCCRP')
    c.dribble(build(OCRQ, call_id=0x77), 0.003)
    m = c.expect(OCRP)
    check(m.result == 1 and m.peer_call_id == 0x77, 'OCRP %r', m)
    c.dribble(build(ECHORQ, ident=9) + build(ECHORQ, ident=10), 0.001)
    check(c.expect(ECHORP).ident == 9 and c.expect(ECHORP).ident == 10,
          'echo replies')


def case_splits(env):
    """SCCRQ split into two writes at various points."""
    srv = env.server(fake=FAKE)
    msg = build(SCCRQ)
    for cut in (1, 2, 7, 11, 12, 13, 100, 155):
        c = env.ctrl('127.0.0.2')
        c.send(msg[:cut])
        time.sleep(0.05)
        c.send(msg[cut:])
        m = c.expect(SCCRP)
        check(m.result == 1, 'split at %d: result %d', cut, m.result)
        c.close()


def case_coalesced(env):
    """SCCRQ+OCRQ+Echo+SLI in one write; 50 Echo-Requests in one write;
    a message straddling two writes after complete ones."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.send(build(SCCRQ) + build(OCRQ, call_id=3) + build(ECHORQ, ident=1) +
           build(SLI, peer_call_id=0xffff))
    check(c.expect(SCCRP).result == 1, 'SCCRP')
    m = c.expect(OCRP)
    check(m.result == 1, 'OCRP result %d', m.result)
    check(c.expect(ECHORP).ident == 1, 'echo')
    c.send(b''.join(build(ECHORQ, ident=i) for i in range(100, 150)))
    got = [c.expect(ECHORP).ident for _ in range(50)]
    check(got == list(range(100, 150)), 'replies out of order: %r', got)
    two = build(ECHORQ, ident=1000) + build(ECHORQ, ident=1001)
    c.send(two[:20])
    check(c.expect(ECHORP).ident == 1000, 'first of two')
    c.expect_nothing(0.2)
    c.send(two[20:])
    check(c.expect(ECHORP).ident == 1001, 'second of two')


def case_bad_then_others_fine(env):
    """A hostile client does not disturb a call in progress."""
    srv = env.server(fake=FAKE)
    good = env.call(srv, src='127.0.0.2', call_id=1)
    good.setup()
    check(good.recv(3.0), 'pppd not up')
    for name, data in bad_inputs()[:20]:
        c = fresh(env, 'idle', src='127.0.0.3')
        c.send(data)
        c.close()
    good.send(ppp_frame(1))
    p = good.recv(2.0)
    check(p is not None and p.payload == ppp_frame(1), 'good call broken')
    good.ctrl.echo(77)



if __name__ == '__main__':
    main([case_malformed_idle, case_malformed_established,
          case_malformed_with_call, case_random_bytes, case_reserved_ignored,
          case_unterminated_strings, case_dribble, case_splits,
          case_coalesced, case_bad_then_others_fine], case_timeout=120)
