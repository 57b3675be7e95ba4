#!/usr/bin/python3
"""Connection handling under abuse (behaviour.txt; POPTOP-NOTES 5.2.1):
a silent client is closed after stimeout without delaying anybody else;
setup must complete within stimeout; 500 connections at once leave the
daemon responsive and refusing cleanly beyond `connections`; at most
`maxhalfopen` connections per source address may be in setup."""
import errno
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'


def quick_call(env, srv, src, call_id=1, limit=1.0):
    t0 = time.monotonic()
    c = env.ctrl(src)
    c.start()
    m = c.ocrq(call_id)
    dt = time.monotonic() - t0
    check(m.result == 1, 'OCRP result %d error %d', m.result, m.error)
    check(dt < lim(limit), 'call setup took %.2f s', dt)
    return c


def case_silent_client(env):
    """stimeout 3: a client that sends nothing is closed after ~3 s; a
    second client is served at once meanwhile (PoPToP's master waited
    stimeout for the first message before accepting anybody else)."""
    srv = env.server(conf={'stimeout': 3} if OURS else {})
    silent = env.ctrl('127.0.0.2')
    t0 = time.monotonic()
    time.sleep(0.1)
    quick_call(env, srv, '127.0.0.3', limit=1.5)
    if not OURS:
        skip('PoPToP ignores the stimeout keyword')
    silent.expect_close(5.0)
    dt = time.monotonic() - t0
    check(2.5 <= dt <= 3 + lim(1.5), 'silent client closed after %.2f s, '
          'stimeout 3', dt)


def case_setup_deadline(env):
    """SCCRQ but never OCRQ: still closed at stimeout (setup incomplete);
    a slow dribble of SCCRQ also.  A completed call is not affected."""
    only_ours('PoPToP applies stimeout to the first message only')
    srv = env.server(conf={'stimeout': 2})
    half = env.ctrl('127.0.0.2')
    t0 = time.monotonic()
    half.start()
    done = quick_call(env, srv, '127.0.0.4', limit=1.5)
    half.expect_close(4.0, allow=(STOPCCRQ,))
    dt = time.monotonic() - t0
    check(1.5 <= dt <= 2 + lim(1.5), 'SCCRQ-only client closed after '
          '%.2f s, stimeout 2', dt)
    # A client dribbling its SCCRQ over 4 s is closed at stimeout too.
    slow = env.ctrl('127.0.0.3')
    t0 = time.monotonic()
    msg = build(SCCRQ)
    closed = None
    for i in range(len(msg)):
        try:
            slow.send(msg[i:i + 1])
            r, _, _ = select.select([slow.sock], [], [], 4.0 / len(msg))
            if r and not slow.sock.recv(4096, socket.MSG_PEEK):
                closed = time.monotonic() - t0
                break
        except OSError:
            closed = time.monotonic() - t0
            break
    if closed is None:
        try:
            slow.expect_close(2.0, allow=(SCCRP, STOPCCRQ))
            closed = time.monotonic() - t0
        except TestFailure:
            raise TestFailure('dribbling client not closed by stimeout')
    check(closed <= 2 + lim(1.5), 'dribbling client closed after %.2f s, '
          'stimeout 2', closed)
    # The established call outlives stimeout.
    check(done.is_open(1.0), 'completed call closed by stimeout')


def nb_connect(src, server='127.0.0.1'):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind((src, 0))
    try:
        s.connect((server, PORT))
    except BlockingIOError:
        pass
    return s


def case_500_at_once(env):
    """500 connections from 500 addresses, each sending SCCRQ+OCRQ: exactly
    `connections` calls are placed, every other connection is refused
    cleanly (closed or an error reply) and none hangs; afterwards the
    server serves again."""
    only_ours('PoPToP hangs connections beyond the limit')
    limit = 20
    srv = env.server(connections=limit, remoteip='10.0.1.1-60',
                     fake=['fake-mode sink', 'fake-log-frames 0'])
    # A call that is up before the flood must stay responsive during it.
    probe = quick_call(env, srv, '127.0.0.2', limit=2.0)
    socks = []
    for i in range(500):
        src = '127.1.%d.%d' % (i // 200, i % 200 + 1)
        socks.append(nb_connect(src))
    # Wait for the connects, then write SCCRQ+OCRQ on each.
    req = build(SCCRQ) + build(OCRQ, call_id=1)
    pending = {s.fileno(): s for s in socks}
    state = {s.fileno(): 'connecting' for s in socks}
    bufs = {s.fileno(): b'' for s in socks}
    result = {}
    deadline = time.monotonic() + 8.0
    while time.monotonic() < deadline and len(result) < len(socks):
        w = [s for f, s in pending.items() if state[f] == 'connecting']
        r = [s for f, s in pending.items() if state[f] == 'sent']
        rr, ww, _ = select.select(r, w, [], 0.2)
        for s in ww:
            f = s.fileno()
            err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                result[f] = 'refused-connect'
                del pending[f]
                continue
            try:
                s.send(req)
                state[f] = 'sent'
            except OSError:
                result[f] = 'refused-write'
                del pending[f]
        for s in rr:
            f = s.fileno()
            try:
                d = s.recv(4096)
            except OSError:
                d = b''
            if not d:
                result[f] = 'closed' if not bufs[f] else 'closed-after-' + \
                    ','.join(m.name for m in split_msgs(bufs[f]))
                del pending[f]
                continue
            bufs[f] += d
            msgs = split_msgs(bufs[f])
            ocrp = [m for m in msgs if m.type == OCRP]
            bad_sccrp = [m for m in msgs if m.type == SCCRP and
                         m.result != 1]
            if ocrp:
                result[f] = 'ok' if ocrp[0].result == 1 else \
                    'busy-%d-%d' % (ocrp[0].result, ocrp[0].error)
                if result[f] == 'ok':
                    del pending[f]
            elif bad_sccrp:
                result[f] = 'sccrp-%d' % bad_sccrp[0].result
    t0 = time.monotonic()
    probe.echo(0x500, timeout=2.0)
    check(time.monotonic() - t0 < lim(1.0), 'established call answered '
          'an Echo-Request after %.2f s during the flood',
          time.monotonic() - t0)
    hung = [f for f in (s.fileno() for s in socks) if f not in result]
    counts = {}
    for v in result.values():
        counts[v] = counts.get(v, 0) + 1
    check(not hung, '%d connections got neither a reply nor a close within '
          '8 s (outcomes %r)', len(hung), counts)
    check(counts.get('ok', 0) == limit - 1, 'calls placed: %d + 1 before, '
          'connections %d (outcomes %r)', counts.get('ok', 0), limit, counts)
    bad = [v for v in counts if v not in ('ok', 'closed', 'refused-connect',
                                          'refused-write') and
           not v.startswith('busy-2-4') and not v.startswith('sccrp-') and
           not v.startswith('closed-after-')]
    check(not bad, 'unexpected outcomes: %r', counts)
    print('500 connections, connections %d: %r' % (limit, counts))
    check(srv.proc.poll() is None, 'master died')
    for s in socks:
        s.close()
    probe.close()
    ok = wait_for(lambda: not srv.ctrl_pids(), 10.0)
    check(ok, '%d pptpctrl still running 10 s after the clients left',
          len(srv.ctrl_pids()))
    quick_call(env, srv, '127.0.0.2')


def split_msgs(buf):
    out = []
    while len(buf) >= 12:
        n = struct.unpack('>H', buf[:2])[0]
        if n < 12 or len(buf) < n:
            break
        out.append(Msg(buf[:n]))
        buf = buf[n:]
    return out


def case_maxhalfopen(env):
    """maxhalfopen 3: a 4th connection in setup from one address is
    refused at once (well before stimeout); other addresses are served;
    a connection that completed setup no longer counts."""
    only_ours('PoPToP has no per-address limit')
    srv = env.server(conf={'maxhalfopen': 3, 'stimeout': 8})
    halves = [env.ctrl('127.0.0.7') for _ in range(3)]
    time.sleep(0.2)
    t0 = time.monotonic()
    fourth = env.ctrl('127.0.0.7')
    fourth.send_msg(SCCRQ)
    try:
        m = fourth.recv(2.0)
        if m is not None:
            check(m.type == SCCRP and m.result != 1 or
                  m.type == STOPCCRQ, '4th half-open connection from one '
                  'address answered %r', m)
            fourth.expect_close(2.0, allow=(STOPCCRQ, SCCRP))
        else:
            raise TestFailure('4th half-open connection from one address '
                              'neither refused nor answered within 2 s')
    except Closed:
        pass
    check(time.monotonic() - t0 < lim(2.5), 'refusal took %.2f s',
          time.monotonic() - t0)
    # Another address is not affected.
    quick_call(env, srv, '127.0.0.8', limit=1.5)
    # Complete setup on one half-open connection: a new one is accepted.
    h = halves[0]
    h.start()
    check(h.ocrq(3).result == 1, 'setup on a half-open connection failed')
    time.sleep(0.2)
    quick_call(env, srv, '127.0.0.7', call_id=5, limit=1.5)


def case_many_halfopen_others_served(env):
    """50 silent connections from many addresses do not delay a real
    client."""
    srv = env.server(conf={'stimeout': 8} if OURS else {},
                     remoteip='10.0.1.1-200', connections=100)
    silent = [nb_connect('127.2.0.%d' % (i + 1)) for i in range(50)]
    time.sleep(0.2)
    try:
        quick_call(env, srv, '127.0.0.2', limit=2.0)
    finally:
        for s in silent:
            s.close()



def case_maxhalfopen_exact_under_load(env):
    """maxhalfopen counts only connections still in setup, exactly, even
    while the master spawns a burst: the load generator keeps 3 calls in
    setup from one address and starts the next as soon as one is up, so
    with maxhalfopen 3 any call counted late as up is a refusal (the
    master once read the status pipe once per burst of accepts)."""
    only_ours('maxhalfopen is ours')
    lg = os.path.join(builddir(), 'tests', 'bench', 'loadgen')
    if not os.access(lg, os.X_OK):
        skip('tests/bench/loadgen not built (make -C tests check-programs)')
    n = 400
    srv = env.server(conf={'maxhalfopen': 3, 'connections': n + 10,
                           'stimeout': 10},
                     fake=['fake-mode echo', 'fake-send-lcp'],
                     remoteip='10.0.1.1-250,10.0.2.1-250')
    out = subprocess.run([lg, '-n', str(n), '-A', '1', '-c', '3', '-d', '0',
                          '-T', '10', '-X', '10', '-P', str(srv.pid)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         timeout=lim(60)).stdout.decode()
    kv = dict(l.split('=', 1) for l in out.splitlines() if '=' in l)
    check(kv.get('calls_up') == str(n), 'calls up %s of %d (failed in '
          'SCCRP %s):\n%s', kv.get('calls_up'), n, kv.get('fail_sccrp'),
          srv.log()[-1500:])
    check('in setup from this address' not in srv.log(),
          'refused by maxhalfopen: %s', srv.log()[-1500:])


if __name__ == '__main__':
    main([case_silent_client, case_setup_deadline, case_500_at_once,
          case_maxhalfopen, case_many_halfopen_others_served,
          case_maxhalfopen_exact_under_load],
         case_timeout=90)
