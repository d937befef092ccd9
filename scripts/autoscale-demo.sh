#!/usr/bin/env bash
# Silo autoscaling shown without a cluster: SIMULATES the Kubernetes HPA (deploy/k8s/base/autoscaling.yaml)
# with processes. The split topology runs on loopback (a private redis-server, 2 speech simulators, one edge);
# staggered LoadTest processes ramp the sessions up and down; every 5 s the controller reads each silo's
# orleansstt_silo_sessions (/metrics), computes desired = clamp(min, max, ceil(sessions / target)) with the
# HPA's tolerance and stabilisation (up at once, down to the highest value of the last 30 s), starts silo
# processes and stops the newest with SIGTERM (its sessions migrate). Writes docs/autoscaling.csv and
# docs/autoscaling.svg (override with --csv/--svg) and a Markdown summary; exit code 1 when any session was lost.
#   usage: bash scripts/autoscale-demo.sh [--target 20] [--min 1] [--max 4] [--down-window 30] [--waves ...] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "autoscale-demo.sh: redis-server is not on PATH (apt-get install redis-server)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "autoscale-demo.sh: python3 is not on PATH" >&2; exit 1; }
case " $* " in *" --help "*|*" -h "*) exec python3 scripts/autoscale-demo.py --help ;; esac
for project in LoadTest EdgeHost Silo InferenceSim; do dotnet build -c Release -v q -nologo "$project" >/dev/null; done

# The controller starts and stops every process and kills what is left when it ends; this trap makes sure a
# signal to this script reaches it (it then stops its processes by their ids) and waits for it.
controller=
cleanup() { [ -n "$controller" ] && kill -TERM "$controller" 2>/dev/null && wait "$controller" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
python3 scripts/autoscale-demo.py "$@" &
controller=$!
status=0
wait "$controller" || status=$?
controller=
exit "$status"
