#!/bin/sh
# tests/e2e/jobs.sh JOB...: run any scenarios of bed.sh in one sandbox, e.g.
#   sudo tests/e2e/jobs.sh ours:4 poptop:4 poptop:6 poptop:6h
# Jobs are SERVER:SCENARIO, SERVER ours, oursk (datapath kernel) or poptop,
# SCENARIO 1 1t 1k 2 3 4 4d 5 6 6h 7 demo; SERVER:SCENARIO#k runs a
# scenario again (the table: medians).
# E2E_KEEP=1 keeps the logs (the work directory is printed); E2E_PAIR=1
# runs 1t and 1k on two machines (a server and a client UML).
[ $# -gt 0 ] || { sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 2; }
. "$(dirname "$0")/lib.sh"
e2e_run "$*" "${E2E_TIMEOUT:-900}"
e2e_report
rc=$?
if grep -q '^METRIC poptop:' "$E2E_OUT/results" &&
    grep -q '^METRIC ours:' "$E2E_OUT/results"; then
	e2e_compare
fi
exit $rc
