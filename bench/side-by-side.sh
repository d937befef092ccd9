#!/usr/bin/env bash
# The same load, on one machine and in one go, against five targets in front of the same simulated
# GPU servers (2 InferenceSim processes), and one Markdown table of the results:
#   floor     the load generator straight to the servers (no gateway)
#   nginx     Debian's nginx as a plain WebSocket reverse proxy (bench/nginx.conf.template)
#   embedded  OrleansStt in one process (EdgeHost with a co-hosted silo)
#   split     OrleansStt as the card draws it: Silo + EdgeHost processes, a private redis-server
#   bare      bench/BareRelay, a bare ASP.NET Core relay: a baseline only
# floor, nginx and bare are driven with LoadTest --raw-backend (the client speaks start/stop itself);
# embedded and split with the client protocol (/v1/listen). Every scenario runs against every target,
# speech included: it is the same backend protocol, so the raw targets show what the servers alone make of it.
#
# usage: bash bench/side-by-side.sh [--quick] [--only TARGET[,TARGET]] [--scenario NAME[,NAME]]
#                                   [--out DIR] [--docs | --no-docs] [--profile TOOL] [--window SECONDS]
#   --quick      50–100 sessions, 2 s ramp, 5 s window (a CI smoke test)
#   --window     the measured window in seconds instead of 20 (never with --quick or --docs): a
#                long one shows the memory a gateway settles at, which 20 s do not reach
#   --only       targets: floor, nginx, embedded, split, bare (default: all)
#   --scenario   echo-100x20, echo-500x20, echo-3000x2, echo-1000x20, speech-1000 (default: all)
#   --out        where reports and process logs go (default: a new temp directory, kept)
#   --docs       write the table into docs/benchmarks.md; the default for a full run only
#                (no --quick, --only, --scenario, --profile or --window); --no-docs never writes it
#   --profile    also profile the first gateway process for 10 s of each window (never with --docs):
#                perf (on-CPU stacks, perf record), alloc (dotnet-trace gc-verbose: allocations by
#                type and stack), counters (dotnet-counters: GC, thread pool, allocation rate) or
#                gcdump (the live heap by type); files land in --out as RUN.TOOL.*
# Everything listens on 127.0.0.1 on free ports; every process started here is stopped between
# targets and at exit, whatever happens. Needs: dotnet, curl, jq, redis-server, nginx (the last
# three are installed with apt-get when missing; without nginx its rows are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
command_line="bash bench/side-by-side.sh${*:+ $*}"

all_targets=(floor nginx embedded split bare)
all_scenarios=(echo-100x20 echo-500x20 echo-3000x2 echo-1000x20 speech-1000)
quick=0 targets_arg="" scenarios_arg="" out="" docs=auto profile= window=
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) targets_arg=${2:?--only needs a value}; shift ;;
    --scenario) scenarios_arg=${2:?--scenario needs a value}; shift ;;
    --out) out=${2:?--out needs a value}; shift ;;
    --docs) docs=yes ;;
    --no-docs) docs=no ;;
    --profile) profile=${2:?--profile needs a value}; shift ;;
    --window) window=${2:?--window needs a value}; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "side-by-side: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
  shift
done
IFS=, read -r -a targets <<<"${targets_arg:-$(IFS=,; echo "${all_targets[*]}")}"
IFS=, read -r -a scenarios <<<"${scenarios_arg:-$(IFS=,; echo "${all_scenarios[*]}")}"
for t in "${targets[@]}"; do [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "side-by-side: unknown target '$t'" >&2; exit 64; }; done
for s in "${scenarios[@]}"; do [[ " ${all_scenarios[*]} " == *" $s "* ]] || { echo "side-by-side: unknown scenario '$s'" >&2; exit 64; }; done
case "$profile" in ""|perf|alloc|counters|gcdump) ;; *) echo "side-by-side: unknown profile '$profile'" >&2; exit 64 ;; esac
if [ "$docs" = auto ]; then
  docs=no; [ $quick -eq 0 ] && [ -z "$targets_arg$scenarios_arg$profile$window" ] && docs=yes
fi
if [ -n "$profile" ] && [ "$docs" = yes ]; then echo "side-by-side: a profiled run is not the benchmark; drop --docs" >&2; exit 64; fi
if [ -n "$window" ]; then
  [[ "$window" =~ ^[1-9][0-9]*$ ]] && [ "$window" -ge 2 ] || { echo "side-by-side: --window takes whole seconds, at least 2 (got '$window')" >&2; exit 64; }
  if [ $quick -eq 1 ] || [ "$docs" = yes ]; then echo "side-by-side: --window is not the benchmark's window; drop --quick and --docs" >&2; exit 64; fi
fi
out=${out:-$(mktemp -d /tmp/side-by-side.XXXXXX)}
mkdir -p "$out"
log() { echo "[side-by-side $(date +%H:%M:%S)] $*" >&2; }

# ---- tools ---------------------------------------------------------------------------------------
as_root=""; [ "$(id -u)" -ne 0 ] && as_root="sudo"
apt_updated=0
apt_install() {
  [ $apt_updated -eq 1 ] || { $as_root apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq "$@" >"$out/apt-$1.log" 2>&1
}
for tool in curl jq; do
  command -v $tool >/dev/null || apt_install $tool || { echo "side-by-side: $tool is needed and could not be installed" >&2; exit 1; }
done
if [[ " ${targets[*]} " == *" split "* ]] && ! command -v redis-server >/dev/null; then
  log "installing redis-server"; apt_install redis-server || { echo "side-by-side: redis-server could not be installed" >&2; exit 1; }
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [[ " ${targets[*]} " == *" nginx "* ]] && [ ! -x "$nginx_bin" ]; then
  log "installing nginx (Debian's; its system service is not used)"
  if apt_install nginx; then nginx_bin=$(command -v nginx || echo /usr/sbin/nginx); fi
  # A package install may start the system service where an init system runs: the benchmark uses its own.
  if [ ! -x "$nginx_bin" ]; then log "nginx could not be installed: its rows are skipped"; fi
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # 3,000 sessions: thousands of sockets per process
case "$profile" in
  perf)
    command -v perf >/dev/null || apt_install linux-perf || { echo "side-by-side: perf could not be installed" >&2; exit 1; }
    # JIT-compiled frames get names in perf's stacks only with a perf map and without W^X double mapping.
    export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ;;
  alloc|counters|gcdump)
    tool=dotnet-${profile/alloc/trace}
    export PATH="$PATH:$HOME/.dotnet/tools"
    command -v "$tool" >/dev/null || dotnet tool install -g "$tool" >"$out/$tool-install.log" 2>&1 \
      || { echo "side-by-side: $tool could not be installed (see $out/$tool-install.log)" >&2; exit 1; } ;;
esac

log "building (Release)"
for project in InferenceSim EdgeHost Silo LoadTest bench/BareRelay; do
  dotnet build -c Release -nologo -v q "$project" >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; exit 1; }
done
bin() { echo "$1/bin/Release/net10.0/OrleansStt.$2.dll"; }
sim_dll=$(bin InferenceSim InferenceSim) edge_dll=$(bin EdgeHost EdgeHost) silo_dll=$(bin Silo Silo)
loadtest_dll=$(bin LoadTest LoadTest) relay_dll=$(bin bench/BareRelay BareRelay)

# ---- processes -----------------------------------------------------------------------------------
pids=()        # everything started for the current run, stopped by stop_all
infra_pids=()  # stopped after the rest (redis: so a stopping silo does not log a lost cluster)
started_pid=0
start() {      # start NAME COMMAND...: in the background, output to $out/$run.NAME.log; pid in started_pid
  local name=$1; shift
  "$@" >"$out/$run.$name.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}
stop_all() {   # TERM, up to 10 s, then KILL; by pid only; infra_pids last
  stop_pids "${pids[@]}"
  pids=()
  stop_pids "${infra_pids[@]}"
  infra_pids=()
}
stop_pids() {
  [ $# -gt 0 ] || return 0
  local pids=("$@")
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=0 pid
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM

used_ports=" "
free_port() {  # a loopback port nothing listens on, below the ephemeral range, not handed out before
  local p
  while :; do
    p=$((20000 + RANDOM % 12000))
    [[ $used_ports == *" $p "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
    used_ports+="$p "; echo "$p"; return
  done
}
wait_http() {  # wait_http URL PID: until the URL answers 200 (bounded), or fail if PID died
  local url=$1 pid=$2
  for _ in $(seq 1 600); do
    curl -sf -o /dev/null --max-time 1 "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { log "process $pid died before $url answered (see $out/$run.*.log)"; return 1; }
    sleep 0.1
  done
  log "$url did not answer within 60 s"; return 1
}
wait_port() {  # wait_port PORT PID
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { log "process $2 died before port $1 opened"; return 1; }
    sleep 0.1
  done
  return 1
}

# ---- targets -------------------------------------------------------------------------------------
quiet=(--Logging:LogLevel:Default=Warning)
gpu_ports=() gpu_pids=() gpu_capacity=5000
start_gpu_servers() {  # start_gpu_servers MODE: two separate InferenceSim processes
  gpu_ports=() gpu_pids=()
  local i port
  for i in 1 2; do
    port=$(free_port)
    start "gpu-$i" dotnet "$sim_dll" --urls "http://127.0.0.1:$port" --Simulator:Mode="$1" \
      --Simulator:Capacity=$gpu_capacity "${quiet[@]}"
    wait_http "http://127.0.0.1:$port/health" "$started_pid" || return 1
    gpu_ports+=("$port") gpu_pids+=("$started_pid")
  done
}
backend_env() {        # the servers as OrleansStt configuration
  local i
  for i in 0 1; do
    echo "Stt__Backends__${i}__Id=gpu-$((i + 1))"
    echo "Stt__Backends__${i}__Url=ws://127.0.0.1:${gpu_ports[$i]}/v1/stream"
    echo "Stt__Backends__${i}__Capacity=$gpu_capacity"
  done
}

# The gateway's processes run with the runtime environment deploy/Dockerfile gives them, read from
# there so that the benchmark and the deployment cannot drift apart.
mapfile -t gateway_env < <(grep -o 'DOTNET_GCgen0size=[0-9A-Fa-fx]*' deploy/Dockerfile)
[ ${#gateway_env[@]} -eq 1 ] || { echo "side-by-side: expected one DOTNET_GCgen0size in deploy/Dockerfile" >&2; exit 1; }
url="" raw=0 gateway_pids=()
start_target() {       # start_target TARGET: sets url, raw, gateway_pids
  local port silo_port gateway_port http_port redis_port prefix servers
  gateway_pids=()
  case "$1" in
    floor)
      url="ws://127.0.0.1:${gpu_ports[0]}/v1/stream,ws://127.0.0.1:${gpu_ports[1]}/v1/stream"; raw=1 ;;
    nginx)
      port=$(free_port) prefix="$out/$run.nginx"
      mkdir -p "$prefix/tmp"
      servers=$(printf '        server 127.0.0.1:%s;\n' "${gpu_ports[@]}")
      # Workers drop to an unprivileged user when nginx runs as root; they must reach the prefix.
      chmod -R a+rwx "$prefix"
      awk -v prefix="$prefix" -v port="$port" -v servers="$servers" \
        '{ gsub("@PREFIX@", prefix); gsub("@LISTEN_PORT@", port); if ($0 ~ /^@UPSTREAM_SERVERS@$/) print servers; else print }' \
        bench/nginx.conf.template >"$prefix/nginx.conf"
      start nginx "$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf"
      local master=$started_pid
      wait_port "$port" "$master" || return 1
      local worker
      for _ in $(seq 1 50); do worker=$(pgrep -P "$master" | head -n 1 || true); [ -n "$worker" ] && break; sleep 0.1; done
      [ -n "$worker" ] || { log "nginx started no worker"; return 1; }
      pids+=("$worker")
      gateway_pids=("$master" "$worker")
      url="ws://127.0.0.1:$port/v1/stream"; raw=1 ;;
    embedded)
      port=$(free_port) silo_port=$(free_port) gateway_port=$(free_port)
      start edge env "${gateway_env[@]}" "${admission_env[@]}" $(backend_env) Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" \
        dotnet "$edge_dll" --urls "http://127.0.0.1:$port" "${quiet[@]}"
      gateway_pids=("$started_pid")
      wait_http "http://127.0.0.1:$port/healthz" "$started_pid" || return 1
      url="ws://127.0.0.1:$port/v1/listen"; raw=0 ;;
    split)
      redis_port=$(free_port) http_port=$(free_port) silo_port=$(free_port) gateway_port=$(free_port) port=$(free_port)
      mkdir -p "$out/$run.redis"
      start redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$out/$run.redis"
      unset 'pids[-1]'; infra_pids+=("$started_pid")
      wait_port "$redis_port" "$started_pid" || return 1
      local cluster=(Orleans__Redis="127.0.0.1:$redis_port" Orleans__AdvertisedIPAddress=127.0.0.1)
      start silo env "${gateway_env[@]}" "${cluster[@]}" $(backend_env) Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" \
        dotnet "$silo_dll" --urls "http://127.0.0.1:$http_port" "${quiet[@]}"
      gateway_pids=("$started_pid")
      wait_http "http://127.0.0.1:$http_port/healthz" "$started_pid" || return 1
      start edge env "${gateway_env[@]}" "${admission_env[@]}" "${cluster[@]}" dotnet "$edge_dll" --urls "http://127.0.0.1:$port" "${quiet[@]}"
      gateway_pids+=("$started_pid")
      wait_http "http://127.0.0.1:$port/healthz" "$started_pid" || return 1
      url="ws://127.0.0.1:$port/v1/listen"; raw=0 ;;
    bare)
      port=$(free_port)
      start relay dotnet "$relay_dll" --urls "http://127.0.0.1:$port" \
        --backends "ws://127.0.0.1:${gpu_ports[0]}/v1/stream,ws://127.0.0.1:${gpu_ports[1]}/v1/stream"
      gateway_pids=("$started_pid")
      wait_port "$port" "$started_pid" || return 1
      url="ws://127.0.0.1:$port/v1/stream"; raw=1 ;;
  esac
}

# ---- scenarios -----------------------------------------------------------------------------------
# sessions, frames/s per session, frame bytes, ramp (s), simulator mode, and the load tool's audio options
scenario() {
  local sessions ramp duration=20
  case "$1" in
    echo-100x20)  sessions=100  rate=20 bytes=1024 ramp=5  mode=echo ;;  # light load: latency with room to spare
    echo-500x20)  sessions=500  rate=20 bytes=1024 ramp=5  mode=echo ;;
    echo-3000x2)  sessions=3000 rate=2  bytes=1024 ramp=10 mode=echo ;;
    echo-1000x20) sessions=1000 rate=20 bytes=1024 ramp=5  mode=echo ;;
    speech-1000)  sessions=1000 rate=25 bytes=1280 ramp=5  mode=speech ;;  # 40 ms frames of 16 kHz PCM
  esac
  if [ $quick -eq 1 ]; then
    sessions=$((sessions >= 3000 ? 100 : 50)) ramp=2 duration=5
  fi
  duration=${window:-$duration}
  scenario_sessions=$sessions scenario_ramp=$ramp scenario_duration=$duration
  # The overload scenarios run the edge as shipped, refusing what it cannot serve on time; the others
  # measure what a fixed load costs, so the edge takes every session they open.
  case "$1" in
    echo-1000x20|speech-1000) admission_env=() ;;
    *) admission_env=(Stt__Edge__Admission__Enabled=false) ;;
  esac
  if [ "$mode" = echo ]; then
    audio_args=(--frame-bytes "$bytes" --rate "$rate" --audio tone --no-finals-check)
  else
    audio_args=(--frame-ms 40 --audio pattern --translate de)
  fi
}

rss_mb() {     # rss_mb PID...: their resident memory summed, in MB (0 for none): the gateway before load
  local pid kb=0
  for pid in "$@"; do kb=$((kb + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0))); done
  awk -v kb="$kb" 'BEGIN { printf "%.1f\n", kb / 1024 }'
}
profile_gateway() {  # profile_gateway DELAY PID: one 10 s profile of PID, DELAY seconds into the run
  sleep "$1"
  local base="$out/$run.$profile"
  case "$profile" in
    perf) perf record -e cpu-clock -F 499 -g -p "$2" -o "$base.data" -- sleep 10 >"$base.log" 2>&1
          perf report -i "$base.data" --no-children --sort dso,sym --stdio -g none >"$base.txt" 2>/dev/null ;;
    alloc) dotnet-trace collect -p "$2" --profile gc-verbose --duration 00:00:00:10 -o "$base.nettrace" >"$base.log" 2>&1 ;;
    counters) dotnet-counters collect -p "$2" --counters System.Runtime --refresh-interval 1 --duration 00:00:00:10 \
                --format csv -o "$base.csv" >"$base.log" 2>&1 ;;
    gcdump) sleep 5; dotnet-gcdump collect -p "$2" -o "$base.gcdump" >"$base.log" 2>&1
            dotnet-gcdump report "$base.gcdump" >"$base.txt" 2>&1 ;;
  esac
}
cpu_busy() {   # jiffies the whole box spent not idle: user nice system irq softirq steal (guest is in user)
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
box_cpu() {    # box_cpu DELAY SECONDS FILE: average busy cores over SECONDS, starting after DELAY
  sleep "$1"
  local a b t0 t1
  a=$(cpu_busy) t0=$(date +%s.%N)
  sleep "$2"
  b=$(cpu_busy) t1=$(date +%s.%N)
  awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f\n", (b - a) / hz / (t1 - t0) }' >"$3"
}

wait_quiet() { # up to 1 min for the box to be idle before a run: other work would skew every figure
  local i busy=0
  for i in $(seq 1 15); do
    box_cpu 0 1 "$out/quiet"
    busy=$(cat "$out/quiet")
    if awk -v b="$busy" 'BEGIN { exit !(b < 0.3) }'; then return 0; fi
    if [ "$i" -eq 1 ]; then log "the box is busy ($busy cores) before $run: waiting up to 1 min for it to be idle"; fi
    sleep 4
  done
  log "the box is still busy ($busy cores): starting $run anyway"
}

rows="$out/rows.tsv" notes="$out/notes.txt"
: >"$rows"; : >"$notes"
retries_left=4 # runs repeated because other work on the box took CPU during their window
run_one() {    # run_one TARGET SCENARIO: one table row, measured again (at most twice) if other work disturbed it
  local attempt other
  for attempt in 1 2 3; do
    run_attempt "$1" "$2" || break
    other=$(cut -f15 "$out/$run.row")
    if awk -v o="$other" 'BEGIN { exit !(o <= 0.25) }' || [ "$attempt" -eq 3 ] || [ $retries_left -eq 0 ]; then break; fi
    retries_left=$((retries_left - 1))
    log "$run: $other cores went to other work on the box during the window: measuring again"
  done
  cat "$out/$run.row" >>"$rows"
}
run_attempt() { # run_attempt TARGET SCENARIO: writes $out/$run.row; fails when there is nothing measured
  local target=$1 name=$2
  run="$target.$name"
  scenario "$name"
  local report="$out/$run.json"
  wait_quiet
  log "$run: starting $mode servers and $target"
  if ! start_gpu_servers "$mode" || ! start_target "$target"; then
    stop_all
    printf '%s\t%s\tstart failed\n' "$target" "$name" >"$out/$run.row"
    echo "- $target / $name: did not start (logs in $out/$run.*.log)" >>"$notes"
    return 1
  fi
  local raw_arg=() pids_arg=() idle_rss
  if [ $raw -eq 1 ]; then raw_arg=(--raw-backend); fi
  idle_rss=$(rss_mb "${gateway_pids[@]}")
  # The servers are sampled too, so that CPU on the box that none of these processes used shows up.
  local sampled=("${gateway_pids[@]}" "${gpu_pids[@]}")
  pids_arg=(--pids "$(IFS=,; echo "${sampled[*]}")")
  log "$run: $scenario_sessions sessions, ramp $scenario_ramp s, window $scenario_duration s against $url"
  box_cpu "$(awk -v r="$scenario_ramp" 'BEGIN { print r + 0.5 }')" "$((scenario_duration - 1))" "$out/$run.box" &
  local sampler=$! profiler=""
  if [ -n "$profile" ] && [ ${#gateway_pids[@]} -gt 0 ]; then
    profile_gateway "$((scenario_ramp + 2))" "${gateway_pids[0]}" &
    profiler=$!
  fi
  local budget=$((scenario_ramp + scenario_duration + 60))
  timeout --kill-after=5 "$budget" dotnet "$loadtest_dll" --url "$url" "${raw_arg[@]}" --sessions "$scenario_sessions" \
    --ramp "$scenario_ramp" --duration "$scenario_duration" "${audio_args[@]}" "${pids_arg[@]}" \
    --accept-refusals --report-json "$report" >"$out/$run.loadtest.txt" 2>"$out/$run.loadtest.progress" || true
  wait "$sampler" 2>/dev/null || true
  [ -z "$profiler" ] || wait "$profiler" 2>/dev/null || true
  stop_all
  if [ ! -s "$report" ]; then
    printf '%s\t%s\tno report\n' "$target" "$name" >"$out/$run.row"
    echo "- $target / $name: the load tool wrote no report (see $out/$run.loadtest.*)" >>"$notes"
    return 1
  fi
  local box; box=$(cat "$out/$run.box" 2>/dev/null || echo "?")
  jq -r --arg target "$target" --arg name "$name" --arg box "$box" --arg mode "$mode" --argjson idle "$idle_rss" \
    --argjson gw "[$(IFS=,; echo "${gateway_pids[*]}")]" '
    def sum(f): map(f) | add // 0;
    (.processes | map(select(.pid as $p | $gw | index($p)))) as $g
    | (.processes | map(select(.name | test("this load generator")))) as $lg
    | ([(.connect_failures | add // 0), (.errors_by_code | add // 0), .closed_without_closed, .send_failures,
        .protocol_errors, .seq_gaps, .unmatched_results, (.unexpected_failures | add // 0)] | add) as $errors
    | (if $mode == "echo" then ([.frames_sent_total + .sessions_connected - .results_total, 0] | max)
       else .finals.missing end) as $missing
    | ((($box | tonumber? // 0) - (.processes | sum(.avg_cores))) * 100 | round / 100) as $other
    | [$target, $name, .frames_sent_per_second, .results_per_second, .latency.p50, .latency.p99,
       (if ($gw | length) == 0 then "-" else ($g | sum(.avg_cores)) end),
       (if ($gw | length) == 0 then "-" else ($g | sum(.max_rss_mb)) end),
       (if ($gw | length) == 0 or .sessions_connected == 0 then "-"
        else ((($g | sum(.max_rss_mb)) - $idle) * 1024 / .sessions_connected) end),
       $box, ($lg | sum(.avg_cores)), $errors, $missing, (.problems | join("; ") | if . == "" then "-" else . end), $other,
       .sessions_connected, .refusal_time.count, .refusal_time.p99] | @tsv' "$report" >"$out/$run.row"
  log "$run: $(cut -f3-13 "$out/$run.row" | tr '\t' ' ')"
}

# ---- run -----------------------------------------------------------------------------------------
started_at=$(date -u +"%Y-%m-%d %H:%M UTC")
for target in "${targets[@]}"; do
  if [ "$target" = nginx ] && [ ! -x "$nginx_bin" ]; then
    echo "- nginx: not installed (apt-get install nginx failed), skipped" >>"$notes"; continue
  fi
  for name in "${scenarios[@]}"; do run_one "$target" "$name"; done
done

# ---- table ---------------------------------------------------------------------------------------
label() {
  case "$1" in
    floor) echo "floor: servers direct" ;; nginx) echo "nginx (plain WS proxy)" ;;
    embedded) echo "OrleansStt embedded" ;; split) echo "OrleansStt split (silo + edge)" ;;
    bare) echo "bare ASP.NET relay (baseline)" ;; *) echo "$1" ;;
  esac
}
scenario_label() {
  case "$1" in
    echo-100x20) echo "echo 100 × 20/s" ;; echo-500x20) echo "echo 500 × 20/s" ;; echo-3000x2) echo "echo 3,000 × 2/s" ;;
    echo-1000x20) echo "echo 1,000 × 20/s" ;; speech-1000) echo "speech 1,000 × 25/s, translate de" ;;
  esac
}
num() { if [ "$1" = - ]; then echo "—"; else printf "$2" "$1"; fi; }
table="$out/table.md"
{
  echo "| target | scenario | admitted / refused (refusal p99 ms) | offered msg/s | achieved results/s | p50 ms | p99 ms | gateway cores | gateway RSS MB | RSS per session KB | box cores | load gen cores | errors / missing |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r target name offered achieved p50 p99 cores rss per_session box lg errors missing problems other admitted refused refusal_p99; do
    if [ -z "${achieved:-}" ]; then
      echo "| $(label "$target") | $(scenario_label "$name") | | $offered | | | | | | | | | |"; continue
    fi
    sessions_cell=$admitted
    if [ "${refused:-0}" -gt 0 ]; then sessions_cell=$(printf '%s / %s (%.0f)' "$admitted" "$refused" "$refusal_p99"); fi
    printf '| %s | %s | %s | %.0f | %.0f | %.1f | %.1f | %s | %s | %s | %s | %.2f | %s / %s |\n' \
      "$(label "$target")" "$(scenario_label "$name")" "$sessions_cell" "$offered" "$achieved" "$p50" "$p99" \
      "$(num "$cores" '%.2f')" "$(num "$rss" '%.0f')" "$(num "$per_session" '%.0f')" \
      "$box" "$lg" "$errors" "$missing"
    if [ "$problems" != - ]; then echo "- $target / $name: $problems" >>"$notes"; fi
    if awk -v o="$other" 'BEGIN { exit !(o > 0.25) }'; then
      echo "- $target / $name: $other cores of the box went to processes other than the servers, the gateway and the load tool" >>"$notes"
    fi
  done <"$rows"
} >"$table"
cat "$table"
if [ -s "$notes" ]; then echo; echo "Notes:"; cat "$notes"; fi
echo
log "reports and logs: $out"

# ---- docs/benchmarks.md --------------------------------------------------------------------------
[ "$docs" = yes ] || exit 0
doc=docs/benchmarks.md begin="<!-- side-by-side:begin (generated by bench/side-by-side.sh; edits inside are overwritten) -->"
end="<!-- side-by-side:end -->"
section="$out/section.md"
{
  echo "$begin"
  echo
  echo "Machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal/ { printf "%.0f GiB RAM", $2 / 1048576 }' /proc/meminfo)," \
    "$( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), .NET $(dotnet --version), nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||' || echo "—")," \
    "redis $(redis-server --version 2>/dev/null | awk '{ print $3 }' | sed 's/v=//')."
  echo "Date: $started_at. Commit: $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)")."
  echo "Command: \`$command_line\`"
  echo
  cat "$table"
  if [ -s "$notes" ]; then echo; cat "$notes"; fi
  echo
  echo "$end"
} >"$section"
if [ -f "$doc" ] && grep -qF "<!-- side-by-side:begin" "$doc"; then
  awk -v section="$section" '
    /<!-- side-by-side:begin/ { while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- side-by-side:end -->/ { skip = 0; next }
    !skip' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
else
  { [ -f "$doc" ] && { cat "$doc"; echo; }; cat "$section"; } >"$doc.tmp" && mv "$doc.tmp" "$doc"
fi
log "wrote $doc"
