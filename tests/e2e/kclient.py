#!/usr/bin/env python3
"""kclient.py SERVER PLUGIN PPPD-ARG...: a PPTP client whose data path is
the kernel's, for the e2e bed.

pptp-linux relays GRE in user space; under load it drops (hundreds of "lost
or reordered" per run) and is the bottleneck of the bed server to client.
Windows, macOS and Android clients carry GRE in the kernel.  This one does
the same: the control connection here (tests/tools/pptpc.py), the data on
a PX_PROTO_PPTP socket of the kernel's pptp module, and pppd on that socket
through PLUGIN (plugins/pptpd-kernel.c, the plugin behind our server's
"datapath kernel", which gives pppd the socket on fd 3 as its channel).  Echo-Requests are answered; when pppd ends, the call and the
control connection are closed as RFC 2637 says (Call-Clear-Request, then
Stop-Control-Connection-Request).
"""
import ctypes
import os
import random
import select
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'tools'))
import pptpc  # noqa: E402

AF_PPPOX = 24
PX_PROTO_PPTP = 2
SOCKADDR_PPPOX_LEN = 30  # packed: family, protocol, the pppoe_addr union


def pptp_addr(call_id, addr):
    """struct sockaddr_pppox for PX_PROTO_PPTP (call id in host order, as
    the pptp module keeps it).  The outer struct is packed, but struct
    pptp_addr is not: two bytes of padding before the address."""
    b = struct.pack('=HIHH4s', AF_PPPOX, PX_PROTO_PPTP, call_id, 0,
                    socket.inet_aton(addr))
    return b + b'\0' * (SOCKADDR_PPPOX_LEN - len(b))


def kernel_socket(local, call_id, server, peer_call_id):
    libc = ctypes.CDLL(None, use_errno=True)
    s = socket.socket(AF_PPPOX, socket.SOCK_STREAM, PX_PROTO_PPTP)
    for fn, a in ((libc.bind, pptp_addr(call_id, local)),
                  (libc.connect, pptp_addr(peer_call_id, server))):
        if fn(s.fileno(), a, len(a)) != 0:
            e = ctypes.get_errno()
            raise OSError(e, '%s: %s' % (fn.__name__, os.strerror(e)))
    return s


def main():
    if len(sys.argv) < 4:
        sys.exit('usage: kclient.py SERVER PLUGIN PPPD-ARG...')
    server, plugin, pppd_args = sys.argv[1], sys.argv[2], sys.argv[3:]
    ctrl = pptpc.Ctrl(src='0.0.0.0', server=server)
    ctrl.start()
    call_id = random.randint(1, 65535)
    m = ctrl.ocrq(call_id=call_id)
    if m.result != 1:
        sys.exit('kclient: Outgoing-Call-Reply result %d' % m.result)
    local = ctrl.sock.getsockname()[0]
    ks = kernel_socket(local, call_id, server, m.call_id)
    print('kclient: call %d/%d, %s -> %s' % (call_id, m.call_id, local,
                                            server), flush=True)
    pid = os.fork()
    if pid == 0:
        os.dup2(ks.fileno(), 3)
        os.execvp('pppd', ['pppd', 'plugin', plugin, 'pptpd-kernel-fd', '3']
                  + pppd_args)
    ks.close()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    while not stop:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            pid = 0
            break
        r, _, _ = select.select([ctrl.sock], [], [], 0.2)
        if r:
            ctrl.service()
            if ctrl.closed:
                break
    if pid:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    if not ctrl.closed:
        try:
            ctrl.send_msg(pptpc.CCRQ, call_id=call_id)
            ctrl.send_msg(pptpc.STOPCCRQ)
            time.sleep(0.2)
        except OSError:
            pass
    ctrl.close()


if __name__ == '__main__':
    main()
