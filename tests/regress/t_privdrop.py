#!/usr/bin/python3
"""Least privilege (behaviour.txt): pptpctrl drops root (to `user`,
default nobody) before it parses peer bytes; pppd is still started as
root by the launcher."""
import os
import pwd
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403


def ctrl_proc(srv, timeout=3.0):
    pids = wait_for(srv.ctrl_pids, timeout)
    check(pids, 'no pptpctrl child of the master; log:\n%s',
          srv.log()[-2000:])
    check(len(pids) == 1, 'pptpctrl children %r, want one', pids)
    return pids[0]


def ids(pid):
    st = proc_status(pid)
    uids = [int(x) for x in st['Uid'].split()]
    gids = [int(x) for x in st['Gid'].split()]
    groups = [int(x) for x in st.get('Groups', '').split()]
    return uids, gids, groups


def assert_user(pid, name):
    pw = pwd.getpwnam(name)
    uids, gids, groups = ids(pid)
    check(uids == [pw.pw_uid] * 4, 'pptpctrl %d uids (real, eff, saved, '
          'fs) %r, want all %d (%s)', pid, uids, pw.pw_uid, name)
    check(0 not in gids, 'pptpctrl %d gids %r include 0', pid, gids)
    check(0 not in groups, 'pptpctrl %d keeps supplementary group 0: %r',
          pid, groups)
    st = proc_status(pid)
    check(int(st['CapEff'], 16) == 0 and int(st['CapPrm'], 16) == 0,
          'pptpctrl %d keeps capabilities eff %s prm %s', pid,
          st['CapEff'], st['CapPrm'])


def case_drop_before_peer_bytes(env):
    only_ours('PoPToP runs pptpctrl as root')
    srv = env.server()
    c = env.ctrl('127.0.0.2')
    pid = ctrl_proc(srv)
    # Not one byte sent yet: the drop must already have happened (allow
    # the child a moment to get there).
    ok = wait_for(lambda: ids(pid)[0][0] != 0, 1.0)
    check(ok, 'pptpctrl still root before any peer byte')
    assert_user(pid, 'nobody')
    c.start()
    c.ocrq(3)
    rec = srv.record_for('127.0.0.2')
    assert_user(pid, 'nobody')
    check(rec.int('uid') == 0 and rec.int('euid') == 0,
          'pppd runs as %s/%s, want root', rec.kv['uid'], rec.kv['euid'])


def case_user_keyword(env):
    only_ours()
    try:
        pwd.getpwnam('daemon')
    except KeyError:
        skip('no user daemon')
    srv = env.server(conf={'user': 'daemon'})
    c = env.ctrl('127.0.0.2')
    c.start()
    c.ocrq(3)
    pid = ctrl_proc(srv)
    srv.record_for('127.0.0.2')
    assert_user(pid, 'daemon')


def case_unknown_user(env):
    """An unknown user is a start-up error, not a silent root session."""
    only_ours()
    srv = env.server(start=False, conf={'user': 'no-such-user-pptpc'})
    try:
        srv.start()
    except TestFailure:
        return      # refused to start: fine
    # Started: then no session may run as root.
    c = env.ctrl('127.0.0.2')
    try:
        c.start()
    except TestFailure:
        pass
    for pid in srv.ctrl_pids():
        check(ids(pid)[0][1] != 0, 'pptpctrl runs as root with an unknown '
              'user')


if __name__ == '__main__':
    main([case_drop_before_peer_bytes, case_user_keyword, case_unknown_user])
