#!/usr/bin/python3
"""How pppd is started (behaviour.txt "pppd argv"): argv exactly
`PPP local [file OPTFILE] SPEED [LOCALIP:REMOTEIP] [ipparam CLIENTIP]
[plugin DIR/pptpd-logwtmp.so pptpd-original-ip CLIENTIP] remotenumber
CLIENTIP`; fds 0,1 = pty slave (its controlling tty), fd 2 = a pipe whose
text reaches the log, nothing else open, a clean environment, no blocked
signals."""
import os
import re
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'


def case_argv_default(env):
    srv = env.server(localip='10.0.0.1', remoteip='10.0.1.7-9')
    c, rec = call_with_pppd(env, srv)
    check(rec.argv[0] == srv.ppp, 'argv[0] %r, want %r', rec.argv[0],
          srv.ppp)
    want = ['local', 'file', srv.optfile, '115200', '10.0.0.1:10.0.1.7',
            'ipparam', '127.0.0.2', 'remotenumber', '127.0.0.2']
    check(rec.argv[1:] == want, 'argv %r, want %r', rec.argv[1:], want)


def case_argv_pairs_and_speed(env):
    """localip list: slot i = (local[i], remote[i]); speed keyword."""
    srv = env.server(localip='10.0.0.1-3', remoteip='10.0.1.1-3',
                     conf={'speed': '38400'})
    c1, r1 = call_with_pppd(env, srv, '127.0.0.2')
    c2, r2 = call_with_pppd(env, srv, '127.0.0.3')
    want1 = ['local', 'file', srv.optfile, '38400', '10.0.0.1:10.0.1.1',
             'ipparam', '127.0.0.2', 'remotenumber', '127.0.0.2']
    want2 = ['local', 'file', srv.optfile, '38400', '10.0.0.2:10.0.1.2',
             'ipparam', '127.0.0.3', 'remotenumber', '127.0.0.3']
    check(r1.argv[1:] == want1, 'argv %r, want %r', r1.argv[1:], want1)
    check(r2.argv[1:] == want2, 'argv %r, want %r', r2.argv[1:], want2)


def case_argv_noipparam(env):
    srv = env.server(conf={'noipparam': True}, remoteip='10.0.1.1-5')
    c, rec = call_with_pppd(env, srv)
    want = ['local', 'file', srv.optfile, '115200', '10.0.0.1:10.0.1.1',
            'remotenumber', '127.0.0.2']
    check(rec.argv[1:] == want, 'argv %r, want %r', rec.argv[1:], want)


def case_argv_delegate(env):
    srv = env.server(conf={'delegate': True}, localip=None, remoteip=None)
    c, rec = call_with_pppd(env, srv)
    want = ['local', 'file', srv.optfile, '115200', 'ipparam', '127.0.0.2',
            'remotenumber', '127.0.0.2']
    check(rec.argv[1:] == want, 'argv %r, want %r', rec.argv[1:], want)


def case_argv_no_option(env):
    srv = env.server(option=False)
    c, rec = call_with_pppd(env, srv)
    want = ['local', '115200', '10.0.0.1:10.0.1.1', 'ipparam', '127.0.0.2',
            'remotenumber', '127.0.0.2']
    check(rec.argv[1:] == want, 'argv %r, want %r', rec.argv[1:], want)


def case_argv_logwtmp(env):
    srv = env.server(conf={'logwtmp': True})
    c, rec = call_with_pppd(env, srv)
    a = rec.argv[1:]
    check(len(a) == 13, 'argv %r: want 13 arguments after argv[0]', a)
    check(a[:7] == ['local', 'file', srv.optfile, '115200',
                    '10.0.0.1:10.0.1.1', 'ipparam', '127.0.0.2'],
          'argv head %r', a[:7])
    check(a[7] == 'plugin' and a[8].startswith('/') and
          a[8].endswith('/pptpd-logwtmp.so'), 'plugin args %r', a[7:9])
    check(a[9:] == ['pptpd-original-ip', '127.0.0.2', 'remotenumber',
                    '127.0.0.2'], 'argv tail %r', a[9:])


def case_argv_all_flags(env):
    srv = env.server(conf={'logwtmp': True, 'noipparam': True,
                           'delegate': True, 'speed': '9600'},
                     localip=None, remoteip=None)
    c, rec = call_with_pppd(env, srv)
    a = rec.argv[1:]
    check(len(a) == 10, 'argv %r', a)
    check(a[:4] == ['local', 'file', srv.optfile, '9600'], 'argv %r', a)
    check(a[4] == 'plugin' and a[5].endswith('/pptpd-logwtmp.so'),
          'argv %r', a)
    check(a[6:] == ['pptpd-original-ip', '127.0.0.2', 'remotenumber',
                    '127.0.0.2'], 'argv %r', a)


def case_fds_tty_env(env):
    only_ours('PoPToP leaks fds and the environment (POPTOP-NOTES 2.4)')
    os.environ['PPTPC_LEAK_MARK'] = 'leak'
    try:
        srv = env.server()
    finally:
        del os.environ['PPTPC_LEAK_MARK']
    c, rec = call_with_pppd(env, srv)
    check(sorted(rec.fds) == [0, 1, 2], 'pppd has fds %r, want only 0 1 2',
          rec.fds)
    check(rec.fds[0].startswith('/dev/pts/') and rec.fds[0] == rec.fds[1],
          'fd 0 %r / fd 1 %r: want the same pty slave', rec.fds[0],
          rec.fds[1])
    check(rec.fds[2].startswith('pipe:'), 'fd 2 is %r, want a pipe',
          rec.fds[2])
    check(rec.kv['isatty0'] == '1', 'fd 0 not a tty')
    check(rec.kv['ctty'] == '1', 'the pty slave is not pppd\'s controlling '
          'tty')
    check(rec.int('tty-sid') == rec.int('sid'), 'tty session %s != pppd '
          'session %s', rec.kv['tty-sid'], rec.kv['sid'])
    names = [e.split('=', 1)[0] for e in rec.env]
    check('PPTPC_LEAK_MARK' not in names, 'pptpd\'s environment leaked to '
          'pppd: %r', rec.env)
    allowed = {'PATH', 'HOME', 'TERM', 'LANG', 'SHELL', 'USER', 'LOGNAME'}
    check(set(names) <= allowed, 'pppd environment not clean: %r', rec.env)
    check(int(rec.kv['sigblk'], 16) == 0, 'pppd starts with blocked '
          'signals %s', rec.kv['sigblk'])
    # Every signal, glibc's internal 32 and 33 included: glibc's
    # posix_spawn left those ignored, and that survived exec into pppd.
    check(int(rec.kv['sigign'], 16) == 0, 'pppd starts with '
          'ignored signals %s', rec.kv['sigign'])
    check(rec.int('uid') == 0 and rec.int('euid') == 0,
          'pppd runs as uid %s euid %s, want root', rec.kv['uid'],
          rec.kv['euid'])


def case_stderr_logged(env):
    only_ours('PoPToP discards pppd\'s stderr')
    mark = 'fakepppd-stderr-%d' % os.getpid()
    srv = env.server(fake=['fake-mode echo', 'fake-stderr ' + mark])
    c, rec = call_with_pppd(env, srv)
    ok = wait_for(lambda: mark in srv.log(), 3.0)
    check(ok, 'pppd stderr text %r not in the log:\n%s', mark,
          srv.log()[-2000:])


def case_exit_status_logged(env):
    only_ours()
    srv = env.server(fake=['fake-mode echo', 'fake-exit-after 0.2',
                           'fake-exit-code 19'])
    c, rec = call_with_pppd(env, srv)
    pat = re.compile(r'(exit|status)\D{0,30}\b19\b')
    ok = wait_for(lambda: pat.search(srv.log()), 3.0)
    check(ok, 'pppd exit status 19 not in the log:\n%s', srv.log()[-2000:])


if __name__ == '__main__':
    main([case_argv_default, case_argv_pairs_and_speed, case_argv_noipparam,
          case_argv_delegate, case_argv_no_option, case_argv_logwtmp,
          case_argv_all_flags, case_fds_tty_env, case_stderr_logged,
          case_exit_status_logged])
