#!/usr/bin/env bash
# Three simulated GPU servers as separate processes, an embedded gateway in front of them,
# 100 streaming sessions, and one GPU server killed (SIGKILL) mid-run. The load tool checks that
# no final is lost and reports the gap each switched client saw.
#   usage: bash scripts/failover-demo.sh [sessions] [report.md]
set -euo pipefail
cd "$(dirname "$0")/.."
sessions=${1:-100}
report=${2:-/tmp/failover.md}
for project in EdgeHost InferenceSim LoadTest; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done

pids=()
# SIGTERM makes the edge drain (up to Stt:Edge:DrainTimeout) before it exits: wait, so nothing outlives the script.
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

for i in 1 2 3; do
  dotnet InferenceSim/bin/Release/net10.0/OrleansStt.InferenceSim.dll --urls "http://127.0.0.1:910$i" \
    --Simulator:Mode=speech --Simulator:Capacity=100 >/dev/null 2>&1 &
  pids+=($!)
done
victim=${pids[1]}

export Stt__Backends__0__Id=gpu-1 Stt__Backends__0__Url=ws://127.0.0.1:9101/v1/stream Stt__Backends__0__Capacity=100
export Stt__Backends__1__Id=gpu-2 Stt__Backends__1__Url=ws://127.0.0.1:9102/v1/stream Stt__Backends__1__Capacity=100
export Stt__Backends__2__Id=gpu-3 Stt__Backends__2__Url=ws://127.0.0.1:9103/v1/stream Stt__Backends__2__Capacity=100
dotnet EdgeHost/bin/Release/net10.0/OrleansStt.EdgeHost.dll --urls http://127.0.0.1:5100 \
  --Logging:LogLevel:Default=Warning >/dev/null 2>&1 &
edge=$!
pids+=($edge)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5100/healthz >/dev/null && break; sleep 0.3; done

dotnet LoadTest/bin/Release/net10.0/OrleansStt.LoadTest.dll --url ws://127.0.0.1:5100/v1/listen \
  --sessions "$sessions" --ramp 5 --duration 25 --frame-ms 50 --audio pattern \
  --kill-pid "$victim" --kill-at 15 --pids "$edge" --report-md "$report"
