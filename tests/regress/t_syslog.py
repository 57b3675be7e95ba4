#!/usr/bin/python3
"""Daemon mode logs to syslog (pptpd(8), Logging): the master and every
pptpctrl send RFC 3164 lines, facility daemon, tagged with their name and
pid, to /dev/log, and pptpctrl still can after it has dropped root (it is
linked against another libc than the master where musl is installed, so
both are checked).  The test gets its own /dev/log: a tmpfs over /dev, in
the private mount namespace the test runs in, with the few device nodes
the servers use bound into it; the machine's /dev is never written."""
import os
import re
import signal
import socket
import subprocess
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

LINE = re.compile(r'^<(\d+)>([A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) '
                  r'([\w.-]+)\[(\d+)\]: (.+)$')
LOG_DAEMON = 3


def sh(*argv):
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.STDOUT)


def private_dev(tmp):
    """Our own /dev, so that /dev/log can be a socket of ours."""
    if os.environ.get('PPTPC_NETNS') != '1' or os.getpid() != 1:
        skip('needs the private mount and pid namespaces of pptpc.main')
    old = os.path.join(tmp, 'olddev')
    pts = os.path.join(tmp, 'oldpts')
    os.makedirs(old)
    os.makedirs(pts)
    sh('mount', '--bind', '/dev', old)
    sh('mount', '--bind', '/dev/pts', pts)     # a submount: not in old
    try:
        sh('mount', '-t', 'tmpfs', '-o', 'mode=0755,size=1m', 't_syslog',
           '/dev')
    except subprocess.CalledProcessError:
        skip('cannot mount a tmpfs over /dev here')
    for n in ('null', 'zero', 'full', 'random', 'urandom', 'tty'):
        src = os.path.join(old, n)
        if os.path.islink(src):
            os.symlink(os.readlink(src), '/dev/' + n)
        elif os.path.exists(src):
            open('/dev/' + n, 'w').close()
            sh('mount', '--bind', src, '/dev/' + n)
    os.makedirs('/dev/pts')
    sh('mount', '--bind', pts, '/dev/pts')
    # The kernel finds a pty's devpts next to the ptmx that was opened; a
    # bound /dev/ptmx has no "pts" next to it, devpts's own ptmx does.
    os.symlink('pts/ptmx', '/dev/ptmx')
    os.symlink('/proc/self/fd', '/dev/fd')
    return old, pts


def restore_dev(olds):
    subprocess.run(['umount', '-l', '/dev'], stderr=subprocess.DEVNULL)
    for d in olds:
        subprocess.run(['umount', '-l', d], stderr=subprocess.DEVNULL)


def parse(raw):
    m = LINE.match(raw.decode('utf-8', 'replace').rstrip('\n'))
    check(m is not None, 'not an RFC 3164 line: %r', raw)
    pri, _, tag, pid, msg = m.groups()
    return int(pri), tag, int(pid), msg


def collect(sink, msgs, until, timeout):
    t_end = time.monotonic() + lim(timeout)
    while time.monotonic() < t_end and not until(msgs):
        sink.settimeout(0.1)
        try:
            msgs.append(parse(sink.recv(4096)))
        except socket.timeout:
            pass
    return until(msgs)


def has(msgs, tag, *words):
    return any(t == tag and all(w in m for w in words)
               for _, t, _, m in msgs)


def case_daemon_logs_to_syslog(env):
    """pptpd without -f: the master's and pptpctrl's lines reach /dev/log,
    well formed, facility daemon, from the right processes; none of them
    go to the terminal."""
    only_ours('the log lines checked are ours')
    old = private_dev(env.tmp)
    try:
        run_daemon(env)
    finally:
        restore_dev(old)


def run_daemon(env):
    sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    env.closers.append(sink)
    sink.bind('/dev/log')
    os.chmod('/dev/log', 0o666)     # pptpctrl logs as `user' (nobody)
    srv = env.server(start=False, fake=['fake-mode echo', 'fake-send-lcp'])
    p = subprocess.run([srv.binary(), '-c', srv.conffile],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=lim(10))
    check(p.returncode == 0, 'pptpd did not start as a daemon (%d): %r',
          p.returncode, p.stdout)
    check(p.stdout == b'', 'the daemon wrote to its terminal: %r', p.stdout)
    master = int(open(srv.pidfile).read())
    env.pids.append(master)
    msgs = []
    check(collect(sink, msgs, lambda m: has(m, 'pptpd', 'listening'), 5),
          'no "listening" line from pptpd: %r', msgs)

    c = env.call(srv, src='127.0.0.2', call_id=0x4242)
    c.setup()
    check(c.recv(5.0) is not None, 'no data from the stand-in pppd')
    c.close()
    check(collect(sink, msgs, lambda m: has(m, 'pptpctrl', '127.0.0.2',
                                            'ended: GRE in'), 5),
          'no "call ended" line from pptpctrl: %r', msgs)
    os.kill(master, signal.SIGTERM)
    check(wait_for(lambda: not alive(master), 8.0), 'pptpd did not stop')
    check(collect(sink, msgs, lambda m: has(m, 'pptpd', 'shutting down'),
                  3), 'no "shutting down" line: %r', msgs)
    check(not os.path.exists(srv.pidfile), 'pid file left behind')

    for pri, tag, pid, msg in msgs:
        check(pri >> 3 == LOG_DAEMON, 'facility %d, not daemon: %s[%d]: %s',
              pri >> 3, tag, pid, msg)
        check(tag in ('pptpd', 'pptpctrl'), 'unexpected tag %r', tag)
        if tag == 'pptpd':
            check(pid == master, 'pptpd line from pid %d, master is %d',
                  pid, master)
    ctrl = [(pid, m) for _, t, pid, m in msgs if t == 'pptpctrl']
    check(len({pid for pid, _ in ctrl}) == 1,
          'one call, several pptpctrl pids: %r', ctrl)
    check(has(msgs, 'pptpctrl', '127.0.0.2', ' up (client window'),
          'no "call up" line (logged after root was dropped): %r', ctrl)
    print('%d syslog lines, %d from pptpctrl' % (len(msgs), len(ctrl)))


if __name__ == '__main__':
    main([case_daemon_logs_to_syslog])
