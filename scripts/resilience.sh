#!/usr/bin/env bash
# The four failover scenarios, each on a fresh split topology on loopback (a private redis-server,
# 3 echo simulators, 2 silos, 2 edges): SIGKILL and SIGTERM of an edge, then of a silo, 3 s into
# 30 streaming sessions that resume on the other edge. Exit code 1 when any session was lost.
#   usage: bash scripts/resilience.sh [report.md] [more loadtest options, e.g. --sessions 50]
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:-/tmp/resilience.md}
shift || true
command -v redis-server >/dev/null || { echo "resilience.sh: redis-server is not on PATH (apt-get install redis-server)" >&2; exit 1; }
for project in LoadTest EdgeHost Silo InferenceSim; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done

logs=$(mktemp -d /tmp/orleansstt-resilience.XXXXXX)
tool=
cleanup() {
  # The load tool kills its topology itself; this is for when it could not (killed, crashed).
  [ -n "$tool" ] && kill "$tool" 2>/dev/null && wait "$tool" 2>/dev/null || true
  # Each scenario's directory lists its processes still running; only ours are signalled (pids get reused).
  for file in "$logs"/*/pids; do
    [ -f "$file" ] || continue
    while read -r pid; do
      if grep -qaE 'OrleansStt\.|redis-server' "/proc/$pid/cmdline" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
    done < "$file"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "logs: $logs"
# In the background and waited for, so a signal to this script reaches the trap at once.
dotnet LoadTest/bin/Release/net10.0/OrleansStt.LoadTest.dll --scenario all --logs "$logs" --report-md "$report" "$@" &
tool=$!
status=0
wait "$tool" || status=$?
tool=
exit "$status"
