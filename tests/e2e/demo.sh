#!/bin/sh
# tests/e2e/demo.sh: try it.  Boots the sandbox (user-mode-linux, or private
# namespaces where the kernel has PPP), starts our pptpd and one real client
# (pppd + pptp-linux, MS-CHAPv2, MPPE-128), and prints the handshake, the
# client's address, ping times and throughput.  Needs root.
#   SERVER=poptop tests/e2e/demo.sh    the same against Debian's PoPToP
SERVER=${SERVER:-ours}
. "$(dirname "$0")/lib.sh"
e2e_run "$SERVER:demo" 300
if [ -s "$E2E_OUT/demo.txt" ]; then
	cat "$E2E_OUT/demo.txt"
	exit 0
fi
e2e_report
exit 1
