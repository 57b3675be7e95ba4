#!/usr/bin/perl
# tests/e2e/syslog-sink.pl SOCKET FILE: a minimal syslog receiver for the
# sandbox, so the daemons' syslog lines (PoPToP logs only there, pppd always
# also logs there) end up in a file the tests can read and print on failure.
use strict;
use warnings;
use Socket;
use IO::Handle;

my ($path, $file) = @ARGV;
die "usage: syslog-sink.pl SOCKET FILE\n" unless defined $file;
unlink $path;
socket(my $sock, PF_UNIX, SOCK_DGRAM, 0) or die "socket: $!\n";
bind($sock, pack_sockaddr_un($path)) or die "bind $path: $!\n";
chmod 0666, $path;
open(my $out, '>>', $file) or die "$file: $!\n";
$out->autoflush(1);

my $msg;
while (defined(recv($sock, $msg, 65536, 0))) {
	$msg =~ s/^<\d+>//;       # priority
	$msg =~ s/[\0\r\n]+$//;   # trailing NUL / newline
	$msg =~ s/\n/ /g;
	print $out time(), ' ', $msg, "\n";
}
