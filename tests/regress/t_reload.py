#!/usr/bin/python3
"""SIGHUP re-reads pptpd.conf (behaviour.txt "Configuration surface"; pptpd(8)
SIGNALS): new calls use the new settings, live calls keep theirs and go on
untouched; a bad file is rejected with FILE:LINE in the log and the old
settings stay; a live call's address is not handed out again while the call
lives, even when the new pool contains it.  PoPToP 1.4.0 exits on SIGHUP, so
every case is ours only."""
import os
import pwd
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403


def rewrite(srv, **changes):
    """Rewrite srv's pptpd.conf: keyword=value replaces (or adds) a line,
    keyword=None removes it, keyword=True is a flag."""
    lines = list(srv.conf_lines)
    for k, v in changes.items():
        lines = [l for l in lines if l.split()[0] != k]
        if v is True:
            lines.append(k)
        elif v is not None:
            lines.append('%s %s' % (k, v))
    write_conf(srv, lines)
    return lines


def write_conf(srv, lines):
    tmp = srv.conffile + '.new'
    with open(tmp, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    os.rename(tmp, srv.conffile)
    srv.conf_lines = lines


def hup(srv, expect='reloaded', timeout=3.0):
    """SIGHUP and wait for the log line saying how it went; returns the log
    text that appeared after the signal."""
    before = len(srv.log())
    srv.signal(signal.SIGHUP)
    pat = {'reloaded': r'configuration reloaded',
           'failed': r'reload failed'}[expect]
    ok = wait_for(lambda: re.search(pat, srv.log()[before:]), timeout)
    check(ok, 'no "%s" in the log within %.0f s after SIGHUP:\n%s', pat,
          timeout, srv.log()[-2000:])
    check(srv.proc.poll() is None, 'the master exited on SIGHUP (%s)',
          srv.proc.returncode)
    return srv.log()[before:]


def speed_of(rec):
    """The argument after `local [file OPTFILE]`."""
    a = rec.argv[1:]
    i = 3 if len(a) > 1 and a[1] == 'file' else 1
    return a[i]


def in_pool(addr, prefix, lo, hi):
    m = re.match(r'^%s\.(\d+)$' % re.escape(prefix), addr or '')
    return bool(m) and lo <= int(m.group(1)) <= hi


def data_both_ways(c, rec, n, tag):
    """n frames client -> pppd (fakepppd records them) and back (echo)."""
    had = len(rec.reload().ins)
    for i in range(n):
        f = ppp_frame(tag * 100 + i)
        c.send(f)
        p = c.recv(2.0)
        check(p is not None and p.payload == f, '%s: frame %d not echoed '
              'back to the client: %r', 'live call', i, p)
    check(wait_for(lambda: len(rec.reload().ins) >= had + n, 2.0),
          'pppd received %d of %d frames', len(rec.ins) - had, n)


def try_call(env, srv, src, call_id=1):
    """'ok' with the call, or 'busy' (OCRP 2/4) / 'refused' (closed or an
    error SCCRP) with None."""
    try:
        c = env.call(srv, src=src, call_id=call_id)
    except OSError:
        return 'refused', None
    try:
        c.ctrl.send_msg(SCCRQ)
        m = c.ctrl.recv(3.0)
        check(m is not None, 'no SCCRP within 3 s')
        if m.type != SCCRP or m.result != 1:
            return 'refused', None
        c.ctrl.send_msg(OCRQ, call_id=call_id, window=64)
        m = c.ctrl.expect(OCRP)
    except Closed:
        return 'refused', None
    if m.result == 1:
        c.ocrp, c.call_id = m, m.call_id
        return 'ok', c
    check(m.result == 2 and m.error == 4, 'OCRP result %d error %d',
          m.result, m.error)
    return 'busy', None


def unprivileged_other():
    for name in ('daemon', 'bin', 'sys'):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        if pw.pw_uid not in (0, pwd.getpwnam('nobody').pw_uid):
            return pw
    return None


# ------------------------------------------------------------------ cases


def case_reload_live_call(env):
    """Pool A -> pool B (and speed, user, debug, pidfile) with a live call."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(localip='10.0.0.1', remoteip='10.0.1.1-5',
                     conf={'speed': '38400', 'user': 'nobody'})
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 21)
    check(in_pool(remote_of(r1), '10.0.1', 1, 5), 'first call got %r, want '
          'an address of 10.0.1.1-5', pair_of(r1))
    check(speed_of(r1) == '38400', 'first call speed %r', speed_of(r1))
    ctrl1 = srv.ctrl_pids()
    check(len(ctrl1) == 1, 'pptpctrl processes %r', ctrl1)
    check(proc_uids(ctrl1[0])[0] == pwd.getpwnam('nobody').pw_uid,
          'first pptpctrl not running as nobody')
    data_both_ways(c1, r1, 3, 1)
    pidfile1 = srv.pidfile
    check(os.path.exists(pidfile1), 'no pidfile')

    other = unprivileged_other()
    changes = dict(remoteip='10.0.2.1-5', speed='57600', debug=True,
                   pidfile=os.path.join(srv.dir, 'other.pid'))
    if other:
        changes['user'] = other.pw_name
    rewrite(srv, **changes)
    hup(srv)

    # The live call: same processes, still passing data both ways, control
    # connection alive.
    check(srv.ctrl_pids() == ctrl1, 'pptpctrl processes %r after SIGHUP, '
          'were %r', srv.ctrl_pids(), ctrl1)
    check(alive(r1.pid) and r1.reload().exit is None, 'the live call\'s '
          'pppd %d ended on SIGHUP (%s)', r1.pid, r1.exit)
    data_both_ways(c1, r1, 5, 2)
    c1.ctrl.echo(0x0badf00d)
    check(os.path.exists(pidfile1), 'pidfile %s gone after SIGHUP',
          pidfile1)

    # A new call: pool B, new speed, new user, debug on.
    before = len(srv.log())
    c2, r2 = call_with_pppd(env, srv, '127.0.0.3', 22)
    check(in_pool(remote_of(r2), '10.0.2', 1, 5), 'call after the reload got '
          '%r, want an address of the new pool 10.0.2.1-5', pair_of(r2))
    check(speed_of(r2) == '57600', 'call after the reload: speed %r, want '
          'the new 57600', speed_of(r2))
    new = [p for p in srv.ctrl_pids() if p not in ctrl1]
    check(len(new) == 1, 'pptpctrl processes %r', srv.ctrl_pids())
    if other:
        check(proc_uids(new[0])[0] == other.pw_uid, 'new pptpctrl runs as '
              'uid %d, want the reloaded user %s (%d)',
              proc_uids(new[0])[0], other.pw_name, other.pw_uid)
        check(proc_uids(ctrl1[0])[0] == pwd.getpwnam('nobody').pw_uid,
              'the live call\'s pptpctrl changed its uid')
    check(wait_for(lambda: re.search(r'received|sending|pptpctrl pid',
                                     srv.log()[before:]), 2.0),
          'no debug lines after reloading with debug:\n%s',
          srv.log()[before:][-1500:])
    data_both_ways(c2, r2, 2, 3)
    # The old call is still fine after the new one.
    data_both_ways(c1, r1, 2, 4)
    check(speed_of(r1.reload()) == '38400' and
          in_pool(remote_of(r1), '10.0.1', 1, 5),
          'live call argv changed: %r', r1.argv)

    # The old call ends; its address (not in pool B) does not disturb the
    # new pool: the four other B addresses are still available.
    c1.ctrl.send_msg(STOPCCRQ, reason=1)
    c1.ctrl.expect(STOPCCRP)
    c1.ctrl.expect_close(5.0, allow=(CDN, STOPCCRQ))
    c1.close()
    check(wait_for(lambda: ctrl1[0] not in srv.ctrl_pids(), 5.0),
          'pptpctrl of the ended call still running')
    got, calls = [], [c2]
    for i in range(4):
        src = '127.0.0.%d' % (10 + i)
        r, c = try_call(env, srv, src, call_id=30 + i)
        check(r == 'ok', 'call %d after the old call ended: %s', i, r)
        calls.append(c)
        got.append(remote_of(srv.record_for(src)))
    got.append(remote_of(r2))
    check(sorted(got) == ['10.0.2.%d' % i for i in range(1, 6)],
          'addresses in use %r, want all of 10.0.2.1-5', sorted(got))

    # The pidfile written at start is the one removed at exit.  (Clients
    # hang up first, so SIGTERM need not wait for silent ones.)
    for c in calls:
        c.close()
    wait_for(lambda: not srv.ctrl_pids(), 5.0)
    rc = srv.stop(8.0)
    check(rc == 0, 'exit status %r', rc)
    check(not os.path.exists(pidfile1), 'pidfile %s left after exit',
          pidfile1)


def case_reload_bad_file(env):
    """A broken file on SIGHUP: logged with FILE:LINE, old settings kept,
    new calls work; then a fixed file is taken."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(localip='10.0.0.1', remoteip='10.0.1.1-5',
                     conf={'speed': '38400'})
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
    good = list(srv.conf_lines)

    # 1. a syntax error: unknown keyword on a known line
    bad = [l for l in good if not l.startswith(('remoteip', 'speed'))]
    bad += ['remoteip 10.0.2.1-5', 'speed 57600', '# a comment',
            'no-such-keyword 1']
    write_conf(srv, bad)
    line = len(bad)
    text = hup(srv, 'failed')
    want = '%s:%d:' % (srv.conffile, line)
    check(want in text, 'reload error does not name %s:\n%s', want, text)
    # 2. a bad value
    bad2 = [l for l in good if not l.startswith('speed')]
    bad2.insert(1, 'speed fast')
    write_conf(srv, bad2)
    text = hup(srv, 'failed')
    want = '%s:2:' % srv.conffile
    check(want in text, 'reload error does not name %s:\n%s', want, text)
    # 3. good syntax, but the ppp program does not exist
    bad3 = [l for l in good if not l.startswith(('ppp', 'remoteip'))]
    bad3 += ['ppp /nonexistent/pppd', 'remoteip 10.0.2.1-5']
    write_conf(srv, bad3)
    text = hup(srv, 'failed')
    check('/nonexistent/pppd' in text, 'reload error does not name the '
          'missing ppp program:\n%s', text)
    # 4. the file is gone
    os.unlink(srv.conffile)
    text = hup(srv, 'failed')
    check(srv.conffile in text, 'reload error does not name the missing '
          'file:\n%s', text)

    # Old settings in effect: pool A, speed 38400, the live call untouched.
    c2, r2 = call_with_pppd(env, srv, '127.0.0.3', 2)
    check(in_pool(remote_of(r2), '10.0.1', 1, 5) and speed_of(r2) == '38400',
          'call after rejected reloads: %r, want pool 10.0.1.1-5 and speed '
          '38400 (the old settings)', r2.argv)
    check(r2.argv[0] == srv.ppp, 'pppd %r, want the old %r', r2.argv[0],
          srv.ppp)
    data_both_ways(c1, r1, 2, 1)
    data_both_ways(c2, r2, 2, 2)

    # A fixed file is taken.
    fixed = [l for l in good if not l.startswith(('remoteip', 'speed'))]
    fixed += ['remoteip 10.0.2.1-5', 'speed 57600']
    write_conf(srv, fixed)
    hup(srv)
    c3, r3 = call_with_pppd(env, srv, '127.0.0.4', 3)
    check(in_pool(remote_of(r3), '10.0.2', 1, 5) and speed_of(r3) == '57600',
          'call after the fixed reload: %r', r3.argv)
    data_both_ways(c1, r1, 1, 3)


def case_reload_keeps_live_address(env):
    """The new pool contains the live call's address: it is not handed out
    again while the call lives, and comes back when the call ends."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(localip='10.0.0.1', remoteip='10.0.1.1-3')
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
    live = remote_of(r1)
    check(in_pool(live, '10.0.1', 1, 3), 'first call got %r', pair_of(r1))
    # The live address first, so a naive pool would hand it out next.
    rewrite(srv, remoteip='%s,10.0.1.7' % live)
    hup(srv)

    r, c2 = try_call(env, srv, '127.0.0.3', call_id=2)
    check(r == 'ok', 'second call after the reload: %s', r)
    a2 = remote_of(srv.record_for('127.0.0.3'))
    check(a2 == '10.0.1.7', 'second call got %s while the live call holds '
          '%s; want 10.0.1.7, the only free address', a2, live)
    # The new pool is full now: nothing for a third call.
    r, _ = try_call(env, srv, '127.0.0.4', call_id=3)
    check(r in ('busy', 'refused'), 'third call with the new pool full: %s',
          r)
    time.sleep(0.2)
    owners = [x for x in srv.records() if x.started and remote_of(x) == live]
    check(len(owners) == 1, '%s handed to %d pppds: %r', live, len(owners),
          [x.argv for x in owners])
    data_both_ways(c1, r1, 2, 1)

    # The live call ends: its address comes back into the new pool.
    ctrl_before = srv.ctrl_pids()
    c1.ctrl.send_msg(STOPCCRQ, reason=1)
    c1.ctrl.expect(STOPCCRP)
    c1.ctrl.expect_close(5.0, allow=(CDN, STOPCCRQ))
    c1.close()
    check(wait_for(lambda: len(srv.ctrl_pids()) == len(ctrl_before) - 1,
                   5.0), 'pptpctrl of the ended call still running')
    r, c4 = try_call(env, srv, '127.0.0.5', call_id=4)
    check(r == 'ok', 'call after the live call ended: %s', r)
    a4 = remote_of(srv.record_for('127.0.0.5'))
    check(a4 == live, 'call after the live call ended got %s, want the '
          'freed %s', a4, live)


def case_reload_address_comes_back(env):
    """A -> B (without the live call's address) -> A again: the live call
    still holds its address, so it is not handed out a second time.  Same
    through a `delegate` reload (no pool at all in between)."""
    only_ours('PoPToP exits on SIGHUP')
    for middle in (dict(remoteip='10.0.2.1-3'), dict(delegate=True)):
        srv = env.server(localip='10.0.0.1', remoteip='10.0.1.1-3')
        c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
        live = remote_of(r1)
        rewrite(srv, **middle)
        hup(srv)
        rewrite(srv, remoteip='%s,10.0.1.8' % live, delegate=None)
        hup(srv)
        r, c2 = try_call(env, srv, '127.0.0.3', call_id=2)
        check(r == 'ok', 'call after A -> %r -> A: %s', middle, r)
        a2 = remote_of(srv.record_for('127.0.0.3'))
        check(a2 != live, 'reload to %r and back: the live call\'s %s was '
              'handed out again (to the second call)', middle, live)
        check(a2 == '10.0.1.8', 'second call got %s, want 10.0.1.8', a2)
        data_both_ways(c1, r1, 1, 1)
        c1.close()
        c2.close()
        srv.kill_all()


def first_echo(c, timeout):
    """Seconds until the server's first Echo-Request on c (None if none
    within timeout); nothing is sent meanwhile."""
    t0 = time.monotonic()
    m = c.ctrl.recv(timeout)
    while m is not None and m.type != ECHORQ:
        m = c.ctrl.recv(max(0.0, timeout - (time.monotonic() - t0)))
    return None if m is None else time.monotonic() - t0


def case_reload_every_setting(env):
    """Each reloadable keyword reaches the calls made after the reload,
    while the live call keeps its own (keepalive shown by its timing);
    listen is documented to need a restart: the socket stays."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(localip='10.0.0.1', remoteip='10.0.1.1-5',
                     conf={'keepalive': '6', 'stimeout': '5'})
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
    # A second options file and a second ppp program (fakepppd again).
    opt2 = os.path.join(srv.dir, 'options2.pptpd')
    with open(srv.optfile) as f, open(opt2, 'w') as g:
        g.write(f.read())
    ppp2 = os.path.join(srv.dir, 'pppd2')
    os.symlink(fakepppd_path(), ppp2)
    rewrite(srv, keepalive='2', stimeout='1', option=opt2, ppp=ppp2,
            localip='10.0.5.1', remoteip='10.0.6.1-5', noipparam=True,
            logwtmp=True, speed='4800', listen='127.0.0.3')
    t_hup = time.monotonic()
    hup(srv)
    check(listen_addrs() == ['127.0.0.1'], 'after reloading listen: '
          'listening on %r, want the old 127.0.0.1 (restart needed)',
          listen_addrs())

    # stimeout 1 for a new connection.
    s = env.ctrl('127.0.0.4')
    t0 = time.monotonic()
    try:
        s.expect_close(4.0, allow=(STOPCCRQ,))
    except TestFailure:
        raise TestFailure('silent connection after reloading stimeout 1 '
                          'not closed within 4 s')
    took = time.monotonic() - t0
    check(0.6 <= took <= 2.2, 'silent connection closed after %.1f s, want '
          'about 1 (reloaded stimeout)', took)
    s.close()

    c2, r2 = call_with_pppd(env, srv, '127.0.0.3', 2)
    a = r2.argv
    check(a[0] == ppp2, 'new call runs %r, want the reloaded ppp %r', a[0],
          ppp2)
    check(a[1:5] == ['local', 'file', opt2, '4800'] and
          a[5].startswith('10.0.5.1:') and
          in_pool(a[5].split(':')[1], '10.0.6', 1, 5),
          'new call argv %r: want the reloaded option, speed, addresses', a)
    check('ipparam' not in a and 'plugin' in a, 'new call argv %r: want '
          'noipparam and logwtmp', a)
    # The live call's pppd was started with the old settings, untouched.
    check(r1.argv[1:] == ['local', 'file', srv.optfile, '115200',
                          '10.0.0.1:10.0.1.1', 'ipparam', '127.0.0.2',
                          'remotenumber', '127.0.0.2'] and
          r1.reload().exit is None, 'live call: %r exit %s', r1.argv, r1.exit)

    # keepalive: the new call hears an Echo-Request after about 2 s, the
    # live call (keepalive 6 when it was set up, silent since) not before
    # about 6 s after its setup.
    t = first_echo(c2, 4.0)
    check(t is not None and 1.4 <= t <= 3.2, 'new call: first Echo-Request '
          'after %s s, want about 2 (reloaded keepalive)', t)
    m = c1.ctrl.recv(0.0)
    check(m is None, 'live call got %r within %.1f s of its setup: its '
          'keepalive changed to the reloaded one', m,
          time.monotonic() - t_hup)
    data_both_ways(c1, r1, 1, 1)

    # delegate on: no addresses for the next call.
    rewrite(srv, delegate=True)
    hup(srv)
    r, c3 = try_call(env, srv, '127.0.0.5', call_id=3)
    check(r == 'ok', 'call after reloading delegate: %s', r)
    r3 = srv.record_for('127.0.0.5')
    check(pair_of(r3) is None, 'delegate reloaded, but pppd got %s',
          pair_of(r3))

    # connections 2 with two calls up: the next one is refused; back to
    # more, it is accepted.
    rewrite(srv, delegate=None, connections='3')
    hup(srv)
    r, _ = try_call(env, srv, '127.0.0.6', call_id=4)
    check(r in ('busy', 'refused'), 'call beyond the reloaded connections '
          '3: %s', r)
    rewrite(srv, connections='10')
    hup(srv)
    r, c5 = try_call(env, srv, '127.0.0.7', call_id=5)
    check(r == 'ok', 'call after raising connections: %s', r)


def bcrelay_ifaces(srv):
    """The -i interface of every bcrelay child of the master."""
    out = []
    for q in srv.children():
        if os.path.basename(q['exe']) != 'bcrelay':
            continue
        try:
            with open('/proc/%d/cmdline' % q['pid'], 'rb') as f:
                av = [a.decode() for a in f.read().split(b'\0')]
        except OSError:
            continue
        out.append(av[av.index('-i') + 1] if '-i' in av else '?')
    return sorted(out)


def case_reload_bcrelay(env):
    """bcrelay follows the reloaded file: started when added, restarted on
    another interface when changed, stopped when removed (pptpd(8) names
    only listen and vrf as needing a restart)."""
    only_ours('PoPToP exits on SIGHUP')
    for a, b in (('lan0', 'lanpeer0'), ('lan1', 'lanpeer1')):
        r = subprocess.run(['ip', 'link', 'add', a, 'type', 'veth', 'peer',
                            'name', b], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        if r.returncode != 0:
            skip('no veth: %s' % r.stdout.decode(errors='replace'))
        for i in (a, b):
            subprocess.run(['ip', 'link', 'set', i, 'up'], check=True)
    srv = env.server(remoteip='10.0.1.1-5')
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
    check(bcrelay_ifaces(srv) == [], 'bcrelay running without the keyword')
    for want in (['lan0'], ['lan1'], []):
        rewrite(srv, bcrelay=want[0] if want else None)
        hup(srv)
        ok = wait_for(lambda: bcrelay_ifaces(srv) == want, 3.0)
        check(ok, 'after reloading with bcrelay %s: bcrelay running for %r',
              want[0] if want else '(none)', bcrelay_ifaces(srv))
    data_both_ways(c1, r1, 1, 1)


def case_reload_cli_wins(env):
    """Options on the command line still override the reloaded file."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(args=['-s', '9600'], conf={'speed': '38400'},
                     remoteip='10.0.1.1-5')
    c1 = env.call(srv, src='127.0.0.2', call_id=1)
    c1.setup()
    check(speed_of(srv.record_for('127.0.0.2')) == '9600',
          'command line -s 9600 did not win over the file')
    rewrite(srv, speed='57600', remoteip='10.0.2.1-5')
    hup(srv)
    c2, r2 = call_with_pppd(env, srv, '127.0.0.3', 2)
    check(speed_of(r2) == '9600', 'after SIGHUP the file\'s speed %s won '
          'over -s 9600', speed_of(r2))
    check(in_pool(remote_of(r2), '10.0.2', 1, 5), 'after SIGHUP: %r',
          r2.argv)


def case_reload_storm(env):
    """Many SIGHUPs in a row while data flows: the call lives on."""
    only_ours('PoPToP exits on SIGHUP')
    srv = env.server(remoteip='10.0.1.1-5')
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2', 1)
    ctrl1 = srv.ctrl_pids()
    for i in range(30):
        if i % 2:
            rewrite(srv, remoteip='10.0.%d.1-5' % (2 + i % 5))
        srv.signal(signal.SIGHUP)
        f = ppp_frame(i)
        c1.send(f)
        p = c1.recv(2.0)
        check(p is not None and p.payload == f, 'frame %d lost during the '
              'SIGHUPs: %r', i, p)
        time.sleep(0.01)
    time.sleep(0.3)
    check(srv.proc.poll() is None, 'master died during SIGHUPs')
    check(srv.ctrl_pids() == ctrl1 and r1.reload().exit is None,
          'the live call ended during SIGHUPs')
    c1.ctrl.echo()
    r, c2 = try_call(env, srv, '127.0.0.3', call_id=2)
    check(r == 'ok', 'new call after the SIGHUPs: %s', r)


if __name__ == '__main__':
    main([case_reload_live_call, case_reload_bad_file,
          case_reload_keeps_live_address, case_reload_address_comes_back,
          case_reload_every_setting, case_reload_bcrelay,
          case_reload_cli_wins,
          case_reload_storm], case_timeout=60)
