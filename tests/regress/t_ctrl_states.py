#!/usr/bin/python3
"""Every control message in every state (RFC 2637 3.1, 3.2; checklist D/E;
behaviour.txt): OCRQ before SCCRQ -> OCRP 2/1 and close; second SCCRQ ->
SCCRP 3; second OCRQ -> OCRP 2/4 and the call continues; SCCRQ with
another version -> SCCRP 5 and close; PAC-only messages ignored; nothing
but SCCRQ ever starts a control connection and nothing but OCRQ a call."""
import os
import sys
import time

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
from pptpc import *  # noqa: F401,F403

OURS = server_kind() == 'ours'
FAKE = ['fake-mode echo', 'fake-send-lcp']


def up_call(env, srv, src='127.0.0.2', call_id=0x2020):
    c = env.call(srv, src=src, call_id=call_id)
    c.bring_up()
    return c, srv.record_for(src)


def call_works(c, i=1):
    c.send(ppp_frame(i))
    p = c.recv(2.0)
    check(p is not None and p.payload == ppp_frame(i),
          'call no longer carries data: %r', p)
    c.ctrl.echo(0x1000 + i)


def case_ocrq_before_sccrq(env):
    only_ours('PoPToP accepts it')
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.send_msg(OCRQ, call_id=5)
    m = c.expect(OCRP)
    check(m.result == 2 and m.error == 1, 'OCRP result %d error %d, want '
          '2/1 (Not-Connected)', m.result, m.error)
    check(m.peer_call_id == 5, 'OCRP peer call id %d', m.peer_call_id)
    c.expect_close(2.0)
    time.sleep(0.2)
    check(not srv.records(), 'pppd started without a control connection')


def case_idle_other_messages(env):
    """Any other first message: no call, no SCCRP/OCRP success; the
    connection is closed or stays usable for a proper SCCRQ."""
    only_ours('PoPToP')
    srv = env.server(fake=FAKE)
    bad = []
    for t in range(2, 16):
        if t == OCRQ:
            continue
        c = env.ctrl('127.0.0.2')
        c.send_msg(t)
        try:
            got = c.expect_close(1.5, allow=tuple(range(1, 16)))
        except TestFailure:
            # Still open: it must behave as a fresh connection.
            got = list(c.log)
            try:
                c.start()
            except TestFailure as e:
                bad.append('%s first: open but SCCRQ fails (%s)' %
                           (NAMES[t], e))
        for m in got:
            if m.type in (SCCRP, OCRP, ICRP) and m.result == 1:
                bad.append('%s first: answered %r' % (NAMES[t], m))
        c.close()
    check(not bad, '\n  '.join(bad))
    check(not srv.records(), 'pppd started')


def case_second_sccrq(env):
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.start()
    c.send_msg(SCCRQ)
    m = c.expect(SCCRP)
    if OURS:
        check(m.result == 3, 'second SCCRQ: result %d, want 3', m.result)
    check(c.is_open(), 'closed after a second SCCRQ')
    c.ocrq(1)


def case_second_sccrq_with_call(env):
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(SCCRQ)
    m = c.ctrl.expect(SCCRP)
    if OURS:
        check(m.result == 3, 'SCCRQ during a call: result %d', m.result)
    call_works(c)
    check(alive(rec.pid), 'pppd gone')


def case_second_ocrq(env):
    only_ours('PoPToP replaces the first call')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(OCRQ, call_id=0x3030)
    m = c.ctrl.expect(OCRP)
    check(m.result == 2 and m.error == 4, 'second OCRQ: result %d error %d, '
          'want 2/4', m.result, m.error)
    check(m.peer_call_id == 0x3030, 'OCRP peer call id %#x', m.peer_call_id)
    call_works(c)
    check(alive(rec.pid), 'first call\'s pppd gone')
    time.sleep(0.2)
    check(len(srv.records()) == 1, 'a second pppd was started')
    # And a third time, with the same client call id as the live call.
    c.ctrl.send_msg(OCRQ, call_id=c.client_call_id)
    m = c.ctrl.expect(OCRP)
    check(m.result == 2 and m.error == 4, 'third OCRQ: %r', m)
    call_works(c, 2)


def case_ocrq_after_ccrq(env):
    """After CCRQ/CDN the connection may place a new call (RFC 3.2.4.1:
    the call goes back to idle)."""
    only_ours('PoPToP sends no CDN')
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(CCRQ, call_id=c.client_call_id)
    c.ctrl.expect(CDN)
    wait_for(lambda: not alive(rec.pid), 3.0)
    c.ctrl.send_msg(OCRQ, call_id=0x4444)
    m = c.ctrl.expect(OCRP)
    check(m.result in (1, 2), 'OCRP after CDN: %r', m)
    if m.result == 2:
        check(m.error == 4, 'OCRP error %d', m.error)


def case_bad_version(env):
    only_ours('PoPToP ignores the version')
    srv = env.server(fake=FAKE)
    for v in (0x0000, 0x0200, 0x0101, 0x00ff, 0xffff):
        c = env.ctrl('127.0.0.2')
        c.send_msg(SCCRQ, version=v)
        m = c.expect(SCCRP)
        check(m.result == 5, 'SCCRQ version %#x: result %d, want 5', v,
              m.result)
        check(m.version == 0x0100, 'SCCRP version %#x', m.version)
        c.expect_close(2.0)
        c.close()
    check(not srv.records(), 'pppd started')


def case_bad_version_after_setup(env):
    """A second SCCRQ with another version does not kill the call."""
    only_ours()
    srv = env.server(fake=FAKE)
    c, rec = up_call(env, srv)
    c.ctrl.send_msg(SCCRQ, version=0x0200)
    m = c.ctrl.expect(SCCRP)
    check(m.result in (3, 5), 'result %d', m.result)
    if m.result == 3:
        call_works(c)


def case_pac_only_messages(env):
    """OCRP, ICRQ, ICRP, ICCN, CDN, WEN, SCCRP, StopCCRP, Echo-Reply from
    the client, with and without a call: no call is created or harmed."""
    only_ours('PoPToP')
    srv = env.server(fake=FAKE)
    # Without a call.
    c = env.ctrl('127.0.0.3')
    c.start()
    for t in (OCRP, ICRP, ICCN, CDN, WEN, SCCRP, STOPCCRP, ECHORP, CCRQ, SLI):
        c.send_msg(t)
    c.send_msg(ICRQ, call_id=5)
    m = c.expect(ICRP)
    check(m.result == 3, 'ICRP result %d', m.result)
    c.expect_nothing(0.3)
    check(c.is_open(), 'closed')
    check(not srv.records(), 'pppd started by a non-OCRQ message')
    # With a call.
    cc, rec = up_call(env, srv)
    for t in (OCRP, ICRP, ICCN, CDN, WEN, SCCRP, STOPCCRP, ECHORP):
        cc.ctrl.send_msg(t, **({'call_id': cc.call_id} if t in (OCRP, CDN)
                               else {}))
    cc.ctrl.send_msg(CDN, call_id=cc.client_call_id)
    cc.ctrl.expect_nothing(0.3)
    call_works(cc)
    check(alive(rec.pid), 'pppd gone')


def case_stop_then_more(env):
    """Messages after StopCCRQ: the reply comes, then close; the extra
    messages start nothing."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.start()
    c.send(build(STOPCCRQ, reason=1) + build(OCRQ, call_id=1) +
           build(ECHORQ, ident=1))
    m = c.expect(STOPCCRP)
    got = c.expect_close(2.0, allow=(ECHORP, OCRP))
    for m in got:
        if m.type == OCRP:
            check(m.result != 1, 'call placed after StopCCRQ')
    time.sleep(0.3)
    check(not srv.records(), 'pppd started after StopCCRQ')


def case_echo_any_state(env):
    """Echo-Request is answered before setup completes (it is legal in
    any state once SCCRQ is done) and during a call."""
    srv = env.server(fake=FAKE)
    c = env.ctrl('127.0.0.2')
    c.start()
    c.echo(1)
    c.ocrq(1)
    c.echo(2)


if __name__ == '__main__':
    main([case_ocrq_before_sccrq, case_idle_other_messages,
          case_second_sccrq, case_second_sccrq_with_call, case_second_ocrq,
          case_ocrq_after_ccrq, case_bad_version,
          case_bad_version_after_setup, case_pac_only_messages,
          case_stop_then_more, case_echo_any_state])
