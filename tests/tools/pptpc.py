"""pptpc: a PPTP client library for the regress tests (stdlib only).

- Control messages (RFC 2637 section 2): build() and parse() for every type,
  exact sizes, big-endian, via struct; raw_msg() for hostile framings.
- Ctrl: one control connection from a chosen local address.
- Gre: an enhanced-GRE endpoint (RFC 2637 section 4.1) over a raw socket;
  gre_build() makes any header, hostile ones included; parse_ip_gre() reads
  what the raw socket delivers (IPv4 header first).
- Call: a client call (control connection + GRE + sequence state).
- Server: the server under test (ours: $PPTPD_BUILDDIR/src/pptpd -f -c CONF,
  or PoPToP's /usr/sbin/pptpd --fg with PPTPD_SERVER=poptop), with the
  stand-in pppd (tests/tools/fakepppd) whose records it reads back.
- main(): runs a test's cases in a private network (and pid) namespace.

Tests never read ../shared; everything they need is in this file.

Running (as root; tests/run sets PPTPD_SRCDIR and PPTPD_BUILDDIR):
    sudo tests/run regress                 every regress test
    sudo tests/regress/t_call_basic.py     one test, all its cases
    sudo tests/regress/t_call_basic.py case_echo case_sli   some cases
Environment:
    PPTPD_BUILDDIR  where src/pptpd and tests/tools/fakepppd are built
    PPTPD_SERVER    ours (default) or poptop (Debian's /usr/sbin/pptpd,
                    to debug the harness; cases that test our fixes of
                    PoPToP's defects skip themselves)
    PPTPC_SLOW=N    stretch timeouts and latency bounds N times (valgrind)
    PPTPC_KEEP=1    keep the temp dir (server.log, pptpd.conf, fakepppd
                    records under srvN/rec/)
    PPTPC_CHURN=N   cycles for t_churn (default 1000)
Each test re-executes itself under `unshare -n -p -f --mount-proc` (a
private network and pid namespace: lo only, and nothing it starts can
outlive it); cases get a fresh server and temp dir and are bounded by
SIGALRM.
"""

import collections
import errno
import os
import random
import resource
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

MAGIC = 0x1A2B3C4D
PORT = 1723

# PPTPC_SLOW=N stretches every timeout and latency bound N times (valgrind,
# sanitizers, a loaded machine).  Server-side timers are not affected.
SLOW = max(1.0, float(os.environ.get('PPTPC_SLOW', '1') or 1))


def lim(seconds):
    """A latency bound or timeout, stretched by PPTPC_SLOW."""
    return seconds * SLOW
GRE_PROTO_PPP = 0x880B

SCCRQ, SCCRP, STOPCCRQ, STOPCCRP, ECHORQ, ECHORP, OCRQ, OCRP, ICRQ, ICRP, \
    ICCN, CCRQ, CDN, WEN, SLI = range(1, 16)

NAMES = {1: 'SCCRQ', 2: 'SCCRP', 3: 'StopCCRQ', 4: 'StopCCRP', 5: 'EchoRQ',
         6: 'EchoRP', 7: 'OCRQ', 8: 'OCRP', 9: 'ICRQ', 10: 'ICRP',
         11: 'ICCN', 12: 'CCRQ', 13: 'CDN', 14: 'WEN', 15: 'SLI'}

# Body layouts after the 12-octet header (RFC 2637 2.1-2.15).
LAYOUT = {
    SCCRQ: ('>HHIIHH64s64s', ['version', 'reserved1', 'framing', 'bearer',
                              'max_channels', 'firmware', 'hostname',
                              'vendor']),
    SCCRP: ('>HBBIIHH64s64s', ['version', 'result', 'error', 'framing',
                               'bearer', 'max_channels', 'firmware',
                               'hostname', 'vendor']),
    STOPCCRQ: ('>BBH', ['reason', 'reserved1', 'reserved2']),
    STOPCCRP: ('>BBH', ['result', 'error', 'reserved1']),
    ECHORQ: ('>I', ['ident']),
    ECHORP: ('>IBBH', ['ident', 'result', 'error', 'reserved1']),
    OCRQ: ('>HHIIIIHHHH64s64s', ['call_id', 'serial', 'min_bps', 'max_bps',
                                 'bearer', 'framing', 'window', 'delay',
                                 'phone_len', 'reserved1', 'phone',
                                 'subaddr']),
    OCRP: ('>HHBBHIHHI', ['call_id', 'peer_call_id', 'result', 'error',
                          'cause', 'speed', 'window', 'delay', 'channel']),
    ICRQ: ('>HHIIHH64s64s64s', ['call_id', 'serial', 'bearer', 'channel',
                                'dialed_len', 'dialing_len', 'dialed',
                                'dialing', 'subaddr']),
    ICRP: ('>HHBBHHH', ['call_id', 'peer_call_id', 'result', 'error',
                        'window', 'delay', 'reserved1']),
    ICCN: ('>HHIHHI', ['peer_call_id', 'reserved1', 'speed', 'window',
                       'delay', 'framing']),
    CCRQ: ('>HH', ['call_id', 'reserved1']),
    CDN: ('>HBBHH128s', ['call_id', 'result', 'error', 'cause', 'reserved1',
                         'stats']),
    WEN: ('>HHIIIIII', ['peer_call_id', 'reserved1', 'crc', 'framing_err',
                        'hw_overruns', 'buf_overruns', 'timeouts',
                        'alignment']),
    SLI: ('>HHII', ['peer_call_id', 'reserved1', 'send_accm', 'recv_accm']),
}
SIZES = {t: 12 + struct.calcsize(f) for t, (f, _) in LAYOUT.items()}
assert [SIZES[t] for t in range(1, 16)] == [156, 156, 16, 16, 16, 20, 168, 32,
                                            220, 24, 28, 16, 148, 40, 24]

# Values a typical client sends (pptp-linux / Windows).
DEFAULTS = {
    SCCRQ: dict(version=0x0100, framing=1, bearer=1, max_channels=65535,
                firmware=1, hostname=b'regress', vendor=b'pptpc'),
    OCRQ: dict(serial=1, min_bps=2400, max_bps=10000000, bearer=3, framing=3,
               window=64, delay=0),
    STOPCCRQ: dict(reason=1),
    STOPCCRP: dict(result=1),
    ECHORP: dict(result=1),
    SLI: dict(send_accm=0xffffffff, recv_accm=0xffffffff),
}


def raw_msg(ctype, body=b'', length=None, magic=MAGIC, mtype=1, reserved0=0):
    """A control message with any header values (hostile tests)."""
    if length is None:
        length = 12 + len(body)
    return struct.pack('>HHIHH', length & 0xffff, mtype, magic, ctype,
                       reserved0) + body


def build(ctype, **kw):
    """Build a well-formed control message; fields default to 0/empty."""
    fmt, names = LAYOUT[ctype]
    vals = dict(DEFAULTS.get(ctype, {}))
    hdr = {k: kw.pop(k) for k in ('magic', 'mtype', 'reserved0')
           if k in kw}
    vals.update(kw)
    bad = set(vals) - set(names)
    if bad:
        raise ValueError('unknown fields for %s: %s' % (NAMES[ctype], bad))
    args = []
    for n, code in zip(names, _codes(fmt)):
        v = vals.get(n, b'' if code.endswith('s') else 0)
        if isinstance(v, str):
            v = v.encode()
        args.append(v)
    return raw_msg(ctype, struct.pack(fmt, *args), **hdr)


def _codes(fmt):
    out, num = [], ''
    for ch in fmt[1:]:
        if ch.isdigit():
            num += ch
        else:
            out.append(num + ch)
            num = ''
    return out


class Msg(object):
    """A parsed control message: .type, .name, .length, .raw and fields."""

    def __init__(self, raw):
        self.raw = raw
        (self.length, self.mtype, self.magic, self.type,
         self.reserved0) = struct.unpack('>HHIHH', raw[:12])
        self.name = NAMES.get(self.type, 'type%d' % self.type)
        self.fields = {}
        if self.type in LAYOUT and len(raw) == SIZES[self.type]:
            fmt, names = LAYOUT[self.type]
            for n, v in zip(names, struct.unpack(fmt, raw[12:])):
                self.fields[n] = v

    def __getattr__(self, k):
        try:
            return self.__dict__['fields'][k]
        except KeyError:
            raise AttributeError(k)

    def str(self, field):
        """A string field up to its first NUL."""
        return self.fields[field].split(b'\0', 1)[0]

    def __repr__(self):
        f = ', '.join('%s=%r' % (k, v) for k, v in self.fields.items()
                      if not isinstance(v, bytes) or v.strip(b'\0'))
        return '<%s len=%d %s>' % (self.name, self.length, f)


def parse(raw):
    return Msg(raw)


class TestFailure(AssertionError):
    pass


def check(cond, what, *args):
    if not cond:
        raise TestFailure(what % args if args else what)


class Closed(Exception):
    """The server closed the control connection (EOF or reset)."""

    def __init__(self, reset=False):
        Exception.__init__(self, 'connection reset' if reset else 'EOF')
        self.reset = reset


# ---------------------------------------------------------------- control


class Ctrl(object):
    """One control connection to the server from local address src."""

    def __init__(self, src='127.0.0.2', server='127.0.0.1', port=PORT,
                 timeout=5.0, connect=True):
        self.src, self.server, self.port = src, server, port
        self.buf = b''
        self.closed = False
        self.log = []           # every message received, in order
        self.pending = collections.deque()  # kept by service()
        self.echoes_answered = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind((src, 0))
        if connect:
            self.sock.settimeout(timeout)
            self.sock.connect((server, port))
            self.sock.settimeout(None)

    def fileno(self):
        return self.sock.fileno()

    def send(self, data):
        """Raw bytes, in one write."""
        self.sock.sendall(data)

    def send_msg(self, ctype, **kw):
        self.send(build(ctype, **kw))

    def dribble(self, data, delay=0.005):
        for i in range(len(data)):
            self.sock.sendall(data[i:i + 1])
            time.sleep(delay)

    def _fill(self, deadline):
        t = max(0.0, deadline - time.monotonic())
        r, _, _ = select.select([self.sock], [], [], t)
        if not r:
            return False
        try:
            d = self.sock.recv(65536)
        except ConnectionResetError:
            self.closed = True
            raise Closed(reset=True)
        if not d:
            self.closed = True
            raise Closed()
        self.buf += d
        return True

    def service(self):
        """Without blocking: read what the server sent, answer its
        Echo-Requests, keep every other message for recv().  Lets tests
        that wait on GRE keep the control connection alive."""
        if self.closed:
            return
        while True:
            try:
                m = self._recv(0.0)
            except (Closed, OSError):
                return
            if m is None:
                return
            if m.type == ECHORQ:
                self.echoes_answered += 1
                try:
                    self.send_msg(ECHORP, ident=m.ident)
                except OSError:
                    return
            else:
                self.pending.append(m)

    def recv(self, timeout=3.0):
        return self._next(lim(timeout))

    def _next(self, timeout):
        if self.pending:
            return self.pending.popleft()
        return self._recv(timeout)

    def _recv(self, timeout=3.0):
        """Next message, or None on timeout; raises Closed on EOF/RST.
        A message from the server whose length is not its type's size is
        a test failure (the server must send exact RFC sizes)."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 2:
                n = struct.unpack('>H', self.buf[:2])[0]
                check(n >= 12, 'server sent a message of length %d: %s',
                      n, self.buf[:16].hex())
                if len(self.buf) >= n:
                    raw, self.buf = self.buf[:n], self.buf[n:]
                    m = Msg(raw)
                    check(m.magic == MAGIC, 'server sent bad magic %#x',
                          m.magic)
                    check(m.mtype == 1, 'server sent PPTP type %d', m.mtype)
                    check(m.type in SIZES and SIZES[m.type] == n,
                          'server sent %s with length %d', m.name, n)
                    self.log.append(m)
                    return m
            if self.closed:
                raise Closed()
            if not self._fill(deadline):
                return None
            if timeout == 0.0:
                deadline = time.monotonic()

    def expect(self, ctype, timeout=3.0, skip=(ECHORQ,)):
        """The next message must be ctype (Echo-Requests are answered and
        skipped unless skip=())."""
        deadline = time.monotonic() + lim(timeout)
        while True:
            try:
                m = self._next(max(0.0, deadline - time.monotonic()))
            except Closed as e:
                raise TestFailure('expected %s, got %s' % (NAMES[ctype], e))
            if m is None:
                raise TestFailure('expected %s within %.1fs, got nothing'
                                  % (NAMES[ctype], timeout))
            if m.type in skip and m.type != ctype:
                if m.type == ECHORQ:
                    self.send_msg(ECHORP, ident=m.ident)
                continue
            check(m.type == ctype, 'expected %s, got %r', NAMES[ctype], m)
            return m

    def expect_nothing(self, timeout=0.5):
        """No message and no close within timeout."""
        try:
            m = self.recv(timeout)
        except Closed as e:
            raise TestFailure('expected silence, got %s' % e)
        check(m is None, 'expected silence, got %r', m)

    def expect_close(self, timeout=3.0, allow=()):
        """The server must close within timeout. Messages of the types in
        allow may come first; returns them."""
        got = []
        deadline = time.monotonic() + lim(timeout)
        while True:
            try:
                m = self._next(max(0.0, deadline - time.monotonic()))
            except Closed:
                return got
            if m is None:
                raise TestFailure('connection not closed within %.1fs '
                                  '(got %r)' % (timeout, got))
            check(m.type in allow, 'expected close, got %r', m)
            got.append(m)

    def is_open(self, timeout=0.3):
        """True if the server has not closed the connection (an Echo-Request
        answer round trip proves it is alive)."""
        try:
            self.send_msg(ECHORQ, ident=0x5a5a0001)
            while True:
                m = self.recv(timeout)
                if m is None:
                    return False
                if m.type == ECHORP and m.ident == 0x5a5a0001:
                    return True
        except (Closed, OSError):
            return False

    def echo(self, ident=0x01020304, timeout=2.0):
        self.send_msg(ECHORQ, ident=ident)
        m = self.expect(ECHORP, timeout)
        check(m.ident == ident, 'Echo-Reply ident %#x, sent %#x', m.ident,
              ident)
        check(m.result == 1, 'Echo-Reply result %d', m.result)
        return m

    def sccrq(self, **kw):
        self.send_msg(SCCRQ, **kw)
        m = self.expect(SCCRP)
        return m

    def start(self, **kw):
        m = self.sccrq(**kw)
        check(m.result == 1, 'SCCRP result %d error %d', m.result, m.error)
        return m

    def ocrq(self, call_id=0, **kw):
        self.send_msg(OCRQ, call_id=call_id, **kw)
        return self.expect(OCRP)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def reset(self):
        """Close with RST."""
        try:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack('ii', 1, 0))
        except OSError:
            pass
        self.close()


# -------------------------------------------------------------------- GRE


def gre_build(call_id, payload=b'', seq=None, ack=None, flags1=None,
              flags2=None, proto=GRE_PROTO_PPP, plen=None, truncate=None,
              extra=b''):
    """Enhanced GRE (RFC 2637 4.1).  flags1/flags2 override the computed
    first two octets; plen overrides the payload length field; truncate cuts
    the packet; extra is appended after the payload."""
    f1 = 0x20 | (0x10 if seq is not None else 0)
    f2 = 0x01 | (0x80 if ack is not None else 0)
    if flags1 is not None:
        f1 = flags1
    if flags2 is not None:
        f2 = flags2
    if plen is None:
        plen = len(payload)
    p = struct.pack('>BBHHH', f1, f2, proto, plen & 0xffff, call_id & 0xffff)
    if seq is not None:
        p += struct.pack('>I', seq & 0xffffffff)
    if ack is not None:
        p += struct.pack('>I', ack & 0xffffffff)
    p += payload + extra
    if truncate is not None:
        p = p[:truncate]
    return p


class GrePkt(object):
    """A received GRE packet.  .ok says whether the header is a well-formed
    enhanced GRE header with exactly plen payload octets."""

    def __init__(self, data, src=None, dst=None):
        self.raw = data
        self.src, self.dst = src, dst
        self.ok = False
        self.seq = self.ack = None
        self.payload = b''
        self.problems = []
        if len(data) < 8:
            self.problems.append('short header')
            return
        (self.f1, self.f2, self.proto, self.plen,
         self.call_id) = struct.unpack('>BBHHH', data[:8])
        self.has_seq = bool(self.f1 & 0x10)
        self.has_ack = bool(self.f2 & 0x80)
        off = 8
        if self.has_seq:
            self.seq = struct.unpack('>I', data[off:off + 4])[0]
            off += 4
        if self.has_ack:
            self.ack = struct.unpack('>I', data[off:off + 4])[0]
            off += 4
        self.hdrlen = off
        self.payload = data[off:]
        if self.f1 & 0xcf != 0x00 or self.f1 & 0x20 == 0:
            self.problems.append('flags1 %#x' % self.f1)
        if self.f2 & 0x7f != 0x01:
            self.problems.append('flags2 %#x' % self.f2)
        if self.proto != GRE_PROTO_PPP:
            self.problems.append('proto %#x' % self.proto)
        if len(self.payload) != self.plen:
            self.problems.append('plen %d but %d octets' %
                                 (self.plen, len(self.payload)))
        if self.has_seq != (self.plen > 0):
            self.problems.append('S=%d with plen %d' % (self.has_seq,
                                                         self.plen))
        self.ok = not self.problems

    @property
    def ack_only(self):
        return not self.has_seq and self.has_ack

    def __repr__(self):
        return '<GRE %s call %d seq %s ack %s plen %d%s>' % (
            'ok' if self.ok else 'BAD', getattr(self, 'call_id', -1),
            self.seq, self.ack, getattr(self, 'plen', -1),
            (' ' + ','.join(self.problems)) if self.problems else '')


def parse_ip_gre(pkt):
    """Parse what a raw IPPROTO_GRE socket delivers: IPv4 header + GRE."""
    ihl = (pkt[0] & 0x0f) * 4
    src = socket.inet_ntoa(pkt[12:16])
    dst = socket.inet_ntoa(pkt[16:20])
    g = GrePkt(pkt[ihl:], src, dst)
    g.iphdr = pkt[:ihl]
    g.ip = pkt
    return g


class Gre(object):
    """A raw GRE socket bound to local address src, talking to server."""

    def __init__(self, src='127.0.0.2', server='127.0.0.1'):
        self.src, self.server = src, server
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        self.sock.bind((src, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.queue = collections.deque()

    def fileno(self):
        return self.sock.fileno()

    def send(self, pkt, dst=None):
        try:
            self.sock.sendto(pkt, (dst or self.server, 0))
        except OSError as e:
            # ENOBUFS under floods: that is the kernel, not the server.
            if e.errno not in (errno.ENOBUFS, errno.EAGAIN):
                raise

    def _read(self, timeout):
        r, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not r:
            return None
        data = self.sock.recv(65536)
        return parse_ip_gre(data)

    def recv(self, timeout=2.0, call_id=None, data_only=False,
             want=None):
        """Next packet from the server (to call_id if given); data_only
        skips ack-only packets; want(pkt) filters."""
        return self._recv_raw(lim(timeout), call_id, data_only, want)

    def _recv_raw(self, timeout, call_id=None, data_only=False, want=None):
        deadline = time.monotonic() + timeout
        while True:
            if self.queue:
                p = self.queue.popleft()
            else:
                p = self._read(deadline - time.monotonic())
                if p is None:
                    return None
            if p.src != self.server:
                continue
            if call_id is not None and getattr(p, 'call_id', None) != call_id:
                continue
            if data_only and not p.has_seq:
                continue
            if want is not None and not want(p):
                continue
            return p

    def collect(self, duration, call_id=None):
        """Every packet (to call_id) for duration seconds."""
        out = []
        deadline = time.monotonic() + lim(duration)
        while True:
            p = self._recv_raw(deadline - time.monotonic(), call_id)
            if p is None:
                return out
            out.append(p)

    def drain(self):
        while self._read(0) is not None:
            pass
        self.queue.clear()

    def close(self):
        self.sock.close()


class Call(object):
    """A client with one call: control connection, GRE, sequence state."""

    def __init__(self, server, src='127.0.0.2', call_id=0, gre=None,
                 window=64, connect=True):
        self.server = server
        self.src = src
        self.client_call_id = call_id
        self.ctrl = Ctrl(src) if connect else None
        self.gre = gre or Gre(src)
        self.own_gre = gre is None
        self.seq = 0            # next sequence number we send
        self.peer_seq = None    # highest sequence received from the server
        self.window = window
        self.ocrp = None
        self.call_id = None     # the server's call id
        self.acks = []          # every ack number received, in order
        self.stash = []         # data packets read by wait_ack()

    def setup(self, **ocrq_kw):
        self.ctrl.start()
        kw = dict(window=self.window)
        kw.update(ocrq_kw)
        m = self.ctrl.ocrq(call_id=self.client_call_id, **kw)
        self.ocrp = m
        check(m.result == 1, 'OCRP result %d error %d', m.result, m.error)
        check(m.peer_call_id == self.client_call_id,
              'OCRP peer call id %d, sent %d', m.peer_call_id,
              self.client_call_id)
        self.call_id = m.call_id
        return m

    def bring_up(self, timeout=5.0, **ocrq_kw):
        """setup(), then wait for pppd's first frame, its LCP
        Configure-Request, over GRE; returns that packet."""
        self.setup(**ocrq_kw)
        p = self.recv(timeout)
        check(p is not None and p.payload == LCP_CONFREQ,
              'pppd not up (no LCP Configure-Request over GRE): %r', p)
        return p

    def send(self, payload, seq=None, ack='auto', **kw):
        """Send a data packet; seq defaults to the next one; ack='auto'
        piggy-backs the highest sequence received, if any."""
        if seq is None:
            seq = self.seq
            self.seq = (self.seq + 1) & 0xffffffff
        if ack == 'auto':
            ack = self.peer_seq
        self.gre.send(gre_build(self.call_id, payload, seq=seq, ack=ack,
                                **kw))

    def send_ack(self, ack=None):
        if ack is None:
            ack = self.peer_seq
        self.gre.send(gre_build(self.call_id, b'', ack=ack))

    def _note(self, p):
        if p is None:
            return
        if p.has_seq:
            if self.peer_seq is None or seq_gt(p.seq, self.peer_seq):
                self.peer_seq = p.seq
        if p.has_ack:
            self.acks.append(p.ack)

    def recv(self, timeout=2.0, data_only=True):
        """Next data packet for this call (acks seen on the way are noted
        in self.acks); data_only=False also returns ack-only packets."""
        deadline = time.monotonic() + lim(timeout)
        while True:
            if self.stash:
                return self.stash.pop(0)
            if self.ctrl:
                self.ctrl.service()
            left = deadline - time.monotonic()
            p = self.gre._recv_raw(max(0.0, min(left, 0.2)),
                                   call_id=self.client_call_id)
            self._note(p)
            if p is None and left > 0.2:
                continue
            if p is None or p.has_seq or not data_only:
                return p

    def sleep(self, seconds):
        """Sleep while keeping the control connection serviced."""
        end = time.monotonic() + seconds
        while True:
            if self.ctrl:
                self.ctrl.service()
            left = end - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.2))

    def wait_ack(self, value, timeout=1.0):
        """True once the server has acknowledged sequence number value
        (piggy-backed or ack-only) within timeout.  Data packets read on
        the way are kept for recv()."""
        deadline = time.monotonic() + lim(timeout)
        while True:
            if any(a == value or seq_gt(a, value) for a in self.acks):
                return True
            if self.ctrl:
                self.ctrl.service()
            left = deadline - time.monotonic()
            p = self.gre._recv_raw(max(0.0, min(left, 0.2)),
                                   call_id=self.client_call_id)
            if p is None and left > 0.2:
                continue
            if p is None:
                return False
            self._note(p)
            if p.has_seq:
                self.stash.append(p)

    def close(self):
        if self.ctrl:
            self.ctrl.close()
        if self.own_gre:
            self.gre.close()


def seq_gt(a, b):
    return a != b and ((a - b) & 0xffffffff) < 0x80000000


# ------------------------------------------------------------- HDLC, PPP

LCP_CONFREQ = bytes.fromhex('ff03c0210101000e010405dc050612345678')


def fcs16(data, fcs=0xffff):
    for b in data:
        fcs ^= b
        for _ in range(8):
            fcs = (fcs >> 1) ^ 0x8408 if fcs & 1 else fcs >> 1
    return fcs


def ppp_frame(i, size=64, proto=0x0021):
    """A recognisable PPP frame, with octets that need escaping."""
    head = b'\xff\x03' + struct.pack('>HI', proto, i)
    body = bytes((i * 7 + k) & 0xff for k in range(max(0, size - len(head))))
    return (head + body)[:max(size, len(head))]


# --------------------------------------------------------------- processes


def procs():
    """{pid: dict(pid, ppid, comm, state, exe, uids)} of live processes."""
    out = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        pid = int(d)
        try:
            with open('/proc/%d/stat' % pid) as f:
                st = f.read()
            comm = st[st.index('(') + 1:st.rindex(')')]
            rest = st[st.rindex(')') + 2:].split()
            info = dict(pid=pid, comm=comm, state=rest[0],
                        ppid=int(rest[1]))
            try:
                info['exe'] = os.readlink('/proc/%d/exe' % pid)
            except OSError:
                info['exe'] = ''
            out[pid] = info
        except (OSError, ValueError):
            continue
    return out


def proc_status(pid):
    d = {}
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            k, _, v = line.partition(':')
            d[k] = v.strip()
    return d


def proc_uids(pid):
    return [int(x) for x in proc_status(pid)['Uid'].split()]


def rss_kb(pid):
    return int(proc_status(pid)['VmRSS'].split()[0])


def cpu_seconds(pid):
    with open('/proc/%d/stat' % pid) as f:
        st = f.read()
    rest = st[st.rindex(')') + 2:].split()
    tck = os.sysconf('SC_CLK_TCK')
    return (int(rest[11]) + int(rest[12])) / tck


def fd_count(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            st = f.read()
        return st[st.rindex(')') + 2] != 'Z'
    except OSError:
        return False


def reap_orphans(keep=()):
    """We may be pid 1 of a pid namespace: reap re-parented zombies (but
    not our own subprocess children, which their Popen objects reap)."""
    me = os.getpid()
    for pid, p in procs().items():
        if p['ppid'] == me and p['state'] == 'Z' and pid not in keep:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass


def wait_for(cond, timeout, interval=0.02, what=None):
    """Poll cond() until true; returns its value or raises TestFailure
    (if what is given) / returns False."""
    deadline = time.monotonic() + lim(timeout)
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() >= deadline:
            if what:
                raise TestFailure('timed out (%.1fs) waiting for %s' %
                                  (timeout, what))
            return v
        time.sleep(interval)


# ------------------------------------------------------------ fakepppd


class Record(object):
    """What one fakepppd run recorded (see tests/tools/fakepppd.c)."""

    def __init__(self, path):
        self.path = path
        self.pid = int(path.rsplit('.', 1)[1])
        self.reload()

    def reload(self):
        self.kv = {}
        self.argv, self.env, self.opts = [], [], []
        self.fds = {}
        self.ins, self.outs, self.bad, self.runts, self.junk = \
            [], [], [], [], []
        self.events = []
        self.exit = None
        self.started = False
        self.stats = {}
        with open(self.path, 'rb') as f:
            data = f.read().decode('latin-1')
        for line in data.split('\n'):
            if not line:
                continue
            k, _, v = line.partition(' ')
            self.events.append((k, v))
            if k == 'argv':
                self.argv.append(unpct(v.partition(' ')[2]))
            elif k == 'env':
                self.env.append(unpct(v))
            elif k == 'opt':
                self.opts.append(unpct(v))
            elif k == 'fd':
                n, _, t = v.partition(' ')
                self.fds[int(n)] = unpct(t)
            elif k == 'in':
                self.ins.append(bytes.fromhex(v))
            elif k == 'out':
                self.outs.append(bytes.fromhex(v))
            elif k in ('bad-fcs', 'abort'):
                self.bad.append(bytes.fromhex(v))
            elif k == 'runt':
                self.runts.append(bytes.fromhex(v))
            elif k == 'junk':
                self.junk.append(bytes.fromhex(v))
            elif k == 'start':
                self.started = True
            elif k == 'exit':
                self.exit = v
            elif k == 'stats':
                w = v.split()
                self.stats = {w[i]: int(w[i + 1])
                              for i in range(0, len(w) - 1, 2)}
            else:
                self.kv[k] = unpct(v)
        return self

    def int(self, k):
        return int(self.kv[k])

    def __repr__(self):
        return '<fakepppd %d argv=%r in=%d exit=%s>' % (
            self.pid, self.argv, len(self.ins), self.exit)


def pair_of(rec):
    """The LOCAL:REMOTE address argument of a pppd record, or None."""
    for a in rec.argv:
        if ':' in a and a[0].isdigit():
            return a
    return None


def remote_of(rec):
    p = pair_of(rec)
    return p.split(':')[1] if p else None


def call_with_pppd(env, srv, src='127.0.0.2', call_id=1, **kw):
    """Set up a call from src; returns it and its pppd's Record."""
    c = env.call(srv, src=src, call_id=call_id, **kw)
    c.setup()
    return c, srv.record_for(src)


def unpct(s):
    return urllib.parse.unquote_to_bytes(s).decode('utf-8', 'replace')


# ---------------------------------------------------------------- server


def srcdir():
    return os.environ.get('PPTPD_SRCDIR') or os.path.abspath(
        os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def builddir():
    return os.environ.get('PPTPD_BUILDDIR') or srcdir()


def fakepppd_path():
    return os.path.join(builddir(), 'tests', 'tools', 'fakepppd')


def server_kind():
    return os.environ.get('PPTPD_SERVER', 'ours')


class Server(object):
    """The server under test, started in the current (private) namespace.

    conf: extra pptpd.conf lines (dict keyword -> value, value None/True for
    booleans, or a list of lines).  fake: fakepppd option lines (fake-record
    is added).  Everything lives in a fresh directory under tmp."""

    def __init__(self, tmp, conf=None, fake=('fake-mode echo',),
                 connections=None, localip='10.0.0.1',
                 remoteip='10.0.1.1-50', kind=None, args=(), ppp=None,
                 option=True, wrap=None, extra_opts=()):
        self.kind = kind or server_kind()
        n = 0
        while True:
            d = os.path.join(tmp, 'srv%d' % n)
            if not os.path.exists(d):
                break
            n += 1
        self.dir = d
        os.makedirs(d)
        os.chmod(d, 0o755)
        self.recdir = os.path.join(d, 'rec')
        os.makedirs(self.recdir)
        # pppd may run as any user; the stand-in must be able to write.
        os.chmod(self.recdir, 0o777)
        self.optfile = os.path.join(d, 'options.pptpd')
        with open(self.optfile, 'w') as f:
            f.write('# fakepppd options\n')
            f.write('fake-record %s\n' % self.recdir)
            for line in fake:
                f.write(line + '\n')
            for line in extra_opts:
                f.write(line + '\n')
        os.chmod(self.optfile, 0o644)
        self.conffile = os.path.join(d, 'pptpd.conf')
        self.pidfile = os.path.join(d, 'pptpd.pid')
        self.logfile = os.path.join(d, 'server.log')
        # The stand-in runs through a symlink so that it finds its options
        # in <link>.conf even when pptpd passes no `file OPTFILE`.
        if ppp is None:
            ppp = os.path.join(d, 'pppd')
            os.symlink(fakepppd_path(), ppp)
            shutil.copy(self.optfile, ppp + '.conf')
            os.chmod(ppp + '.conf', 0o644)
        self.ppp = ppp
        lines = ['listen 127.0.0.1', 'ppp %s' % self.ppp,
                 'pidfile %s' % self.pidfile]
        if option:
            lines.append('option %s' % self.optfile)
        if localip:
            lines.append('localip %s' % localip)
        if remoteip:
            lines.append('remoteip %s' % remoteip)
        if connections is not None:
            lines.append('connections %d' % connections)
        if self.kind == 'ours':
            # Short timers keep tests quick; keepalive tests set 2.
            lines += ['stimeout 2', 'keepalive 5']
        conf = conf or {}
        if isinstance(conf, dict):
            for k, v in conf.items():
                lines = [l for l in lines if l.split()[0] != k]
                if v is None or v is True:
                    lines.append(k)
                elif v is not False:
                    lines.append('%s %s' % (k, v))
        else:
            lines += list(conf)
        if self.kind == 'poptop':
            known = ('listen', 'ppp', 'option', 'localip', 'remoteip',
                     'connections', 'pidfile', 'noipparam', 'delegate',
                     'speed', 'logwtmp', 'debug', 'stimeout')
            lines = [l for l in lines if l.split()[0] in known]
        self.conf_lines = lines
        with open(self.conffile, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        self.args = list(args)
        self.wrap = list(wrap or [])
        if self.kind == 'ours':
            # $PPTPD_WRAPPER (split on white space, no quoting) prefixes
            # our pptpd's command: tests/sanitize/t_valgrind sets valgrind.
            self.wrap = os.environ.get('PPTPD_WRAPPER', '').split() + \
                self.wrap
        self.proc = None
        self.pid = None

    def binary(self):
        if self.kind == 'poptop':
            return '/usr/sbin/pptpd'
        return os.path.join(builddir(), 'src', 'pptpd')

    def command(self):
        if self.kind == 'poptop':
            return self.wrap + [self.binary(), '--fg', '-c', self.conffile] \
                + self.args
        return self.wrap + [self.binary(), '-f', '-c', self.conffile] + \
            self.args

    def start(self, wait=True):
        self.logf = open(self.logfile, 'ab')
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=self.logf,
                                     close_fds=True)
        self.pid = self.proc.pid
        if wait:
            ok = wait_for(lambda: listening() or self.proc.poll() is not None,
                          5.0)
            if self.proc.poll() is not None:
                raise TestFailure('server exited at start (%s): %s' %
                                  (self.proc.returncode, self.log()[-2000:]))
            check(ok, 'server not listening within 5 s: %s',
                  self.log()[-2000:])
        return self

    def log(self):
        try:
            with open(self.logfile, 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except OSError:
            return ''

    def children(self, pid=None):
        pid = pid or self.pid
        return [p for p in procs().values()
                if p['ppid'] == pid and p['state'] != 'Z']

    def descendants(self):
        ps = procs()
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            for q in ps.values():
                if q['ppid'] == p and q['state'] != 'Z':
                    out.append(q)
                    todo.append(q['pid'])
        return out

    def ctrl_pids(self):
        """pptpctrl processes that are children of the master."""
        return [p['pid'] for p in self.children()
                if os.path.basename(p['exe']).startswith('pptpctrl')]

    def records(self):
        out = []
        for n in sorted(os.listdir(self.recdir)):
            if n.startswith('fakepppd.'):
                try:
                    out.append(Record(os.path.join(self.recdir, n)))
                except (OSError, ValueError):
                    pass
        return out

    def wait_records(self, n, timeout=5.0, started=True):
        def ok():
            r = self.records()
            r = [x for x in r if x.started or not started]
            return r if len(r) >= n else None
        r = wait_for(ok, timeout)
        check(r, 'expected %d fakepppd run(s), have %d; log:\n%s', n,
              len(self.records()), self.log()[-3000:])
        return r

    def record_for(self, client_ip, timeout=5.0):
        """The (latest) fakepppd record for a client address."""
        def find():
            rs = [r for r in self.records() if r.started and
                  client_ip in r.argv]
            return rs[-1] if rs else None
        r = wait_for(find, timeout)
        check(r, 'no fakepppd started for %s; log:\n%s', client_ip,
              self.log()[-3000:])
        return r

    def signal(self, sig):
        if self.proc and self.proc.poll() is None:
            os.kill(self.pid, sig)

    def stop(self, timeout=5.0):
        """SIGTERM, wait, then SIGKILL the master and anything it left."""
        if self.proc is None:
            return None
        left = self.descendants() if self.proc.poll() is None else []
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for p in left:
            if alive(p['pid']):
                try:
                    os.kill(p['pid'], signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.logf.close()
        reap_orphans()
        return self.proc.returncode

    def kill_all(self):
        """SIGKILL the master and every descendant (cleanup after a test)."""
        if self.proc is None:
            return
        for p in self.descendants():
            try:
                os.kill(p['pid'], signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        try:
            self.logf.close()
        except Exception:
            pass
        reap_orphans()


def listen_addrs(port=PORT):
    """Local addresses of the TCP sockets listening on port."""
    out = []
    with open('/proc/net/tcp') as f:
        for line in f.readlines()[1:]:
            w = line.split()
            a, p = w[1].split(':')
            if w[3] == '0A' and int(p, 16) == port:
                out.append(socket.inet_ntoa(struct.pack('<I', int(a, 16))))
    return out


def listening(port=PORT):
    try:
        return bool(listen_addrs(port))
    except OSError:
        return False


# ------------------------------------------------------------------- main


class Skip(Exception):
    pass


def in_namespace():
    return os.environ.get('PPTPC_NETNS') == '1'


def enter_namespace():
    """Re-exec this script under unshare: private network namespace (and a
    private pid namespace, so nothing can outlive the test)."""
    if in_namespace():
        subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
        return
    if os.geteuid() != 0:
        print('skip: needs root (network namespaces)')
        sys.exit(77)
    env = dict(os.environ, PPTPC_NETNS='1')
    base = ['unshare', '-n']
    full = base + ['-p', '-f', '--kill-child', '-m', '--mount-proc',
                   '--propagation', 'private']
    py = [sys.executable, os.path.abspath(sys.argv[0])] + sys.argv[1:]
    for cmd in (full, base):
        probe = subprocess.run(cmd + ['true'], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            os.execvpe(cmd[0], cmd + py, env)
    print('skip: unshare -n does not work here')
    sys.exit(77)


def main(cases, needs_ours=False, case_timeout=60):
    """Run a test's cases (functions taking a temp dir); each gets a fresh
    temp dir; failures are reported and the exit status is 1 if any failed.
    Command-line arguments select cases by name."""
    enter_namespace()
    if not os.access(fakepppd_path(), os.X_OK):
        print('skip: %s not built (make check builds it)' % fakepppd_path())
        sys.exit(77)
    kind = server_kind()
    if kind == 'ours' and not os.access(
            os.path.join(builddir(), 'src', 'pptpd'), os.X_OK):
        print('skip: src/pptpd not built')
        sys.exit(77)
    if kind == 'poptop' and not os.access('/usr/sbin/pptpd', os.X_OK):
        print('skip: PoPToP not installed')
        sys.exit(77)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
    except (ValueError, OSError):
        pass
    sel = sys.argv[1:]
    failed, skipped, passed = [], [], []
    top = tempfile.mkdtemp(prefix='pptpd-regress-')
    os.chmod(top, 0o755)
    keep = os.environ.get('PPTPC_KEEP') == '1'

    def on_alarm(sig, frm):
        raise TestFailure('case timed out after %ds' % case_timeout)
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        for case in cases:
            name = case.__name__
            if sel and name not in sel:
                continue
            tmp = os.path.join(top, name)
            os.makedirs(tmp)
            os.chmod(tmp, 0o755)
            t0 = time.monotonic()
            Env.current = Env(tmp)
            signal.alarm(int(case_timeout * SLOW))
            try:
                case(Env.current)
                signal.alarm(0)
                passed.append(name)
                print('PASS %s (%.1fs)' % (name, time.monotonic() - t0))
            except Skip as e:
                signal.alarm(0)
                skipped.append(name)
                print('SKIP %s: %s' % (name, e))
            except Exception as e:
                signal.alarm(0)
                failed.append(name)
                print('FAIL %s (%.1fs): %s' % (name, time.monotonic() - t0,
                                               e))
                if not isinstance(e, TestFailure):
                    traceback.print_exc(file=sys.stdout)
                Env.current.dump_logs()
            finally:
                signal.alarm(0)
                Env.current.cleanup()
            sys.stdout.flush()
    finally:
        if not keep:
            shutil.rmtree(top, ignore_errors=True)
    print('%s: %d passed, %d failed, %d skipped (server: %s)' % (
        os.path.basename(sys.argv[0]), len(passed), len(failed),
        len(skipped), kind))
    if failed:
        print('failed: ' + ' '.join(failed))
        sys.exit(1)
    if not passed and skipped:
        print('skip: every case skipped')
        sys.exit(77)
    sys.exit(0)


class Env(object):
    """Per-case resources: temp dir, servers and sockets to clean up."""
    current = None

    def __init__(self, tmp):
        self.tmp = tmp
        self.servers = []
        self.closers = []
        self.pids = []

    def server(self, start=True, **kw):
        s = Server(self.tmp, **kw)
        self.servers.append(s)
        if start:
            s.start()
        return s

    def ctrl(self, *a, **kw):
        c = Ctrl(*a, **kw)
        self.closers.append(c)
        return c

    def gre(self, *a, **kw):
        g = Gre(*a, **kw)
        self.closers.append(g)
        return g

    def call(self, server, *a, **kw):
        c = Call(server, *a, **kw)
        self.closers.append(c)
        return c

    def dump_logs(self):
        for s in self.servers:
            print('--- server log (%s) ---' % s.dir)
            print(s.log()[-4000:])
            for r in s.records()[-4:]:
                print('--- %s: argv %r exit %s, %d in, %d bad' % (
                    os.path.basename(r.path), r.argv, r.exit, len(r.ins),
                    len(r.bad)))

    def cleanup(self):
        for c in self.closers:
            try:
                c.close()
            except Exception:
                pass
        for s in self.servers:
            try:
                s.kill_all()
            except Exception:
                pass
        for pid in self.pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        kill_namespace_leftovers()


def kill_namespace_leftovers():
    """As pid 1 of our private pid namespace, every other process in it was
    started by this test: kill each leftover by pid and reap it."""
    if os.getpid() != 1:
        reap_orphans()
        return
    for _ in range(50):
        left = [p for p in procs().values() if p['pid'] != 1]
        if not left:
            return
        for p in left:
            try:
                if p['state'] != 'Z':
                    os.kill(p['pid'], signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)
        reap_orphans()


def skip(reason):
    raise Skip(reason)


def only_ours(why='PoPToP differs here by design'):
    if server_kind() != 'ours':
        raise Skip(why)
