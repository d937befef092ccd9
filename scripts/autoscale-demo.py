#!/usr/bin/env python3
"""Silo autoscaling without a cluster: the Kubernetes HPA's rule, simulated with processes.

Runs the split topology on loopback (a private redis-server, simulated GPU servers, one edge),
ramps a load up and down with staggered LoadTest processes, and every --interval seconds applies
the HPA's rule to the silos' `orleansstt_silo_sessions` gauges (Prometheus `/metrics`):

    raw     = ceil(sessions / target)            (kept at `running` when within the 10 % tolerance)
    desired = clamp(min, max, stabilised(raw))   up: at once; down: the highest raw of the last --down-window s

It starts a silo process when desired > running and stops the newest with SIGTERM (its sessions
migrate to the silos that stay) when desired < running, one at a time, waiting for it to exit.
Writes a CSV timeline, an SVG chart and a Markdown summary; exit code 1 when any session was lost.
Started by scripts/autoscale-demo.sh, which builds the Release binaries first.
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dll(project, name):
    return os.path.join(REPO, project, "bin", "Release", "net10.0", f"OrleansStt.{name}.dll")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stop(Exception):
    pass


def on_signal(signum, _frame):
    raise Stop(f"signal {signum}")


class Demo:
    def __init__(self, a):
        self.a = a
        self.logs = a.logs
        self.children = []  # every Popen this demo started, for cleanup
        self.silos = []  # dicts: index, proc, http, started_at, ready_at, stopping_at
        self.stopping = []  # silos sent SIGTERM, not yet exited
        self.next_silo = 0
        self.key = os.urandom(16).hex()
        self.events = []
        self.rows = []
        self.waves = []  # dicts: start, sessions, ramp, duration, proc, log, report, offset, open, exit
        self.recommendations = []  # (t, raw)

    # ---------------------------------------------------------------- processes
    def start(self, name, argv, env):
        log = open(os.path.join(self.logs, f"{name}.log"), "ab")
        full = dict(os.environ)
        full.update(env)
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=full, cwd=REPO)
        log.close()
        self.children.append(proc)
        with open(os.path.join(self.logs, "pids"), "a") as f:
            f.write(f"{proc.pid} {name}\n")
        return proc

    def cleanup(self):
        """SIGTERM, newest first (load, edge, silos, simulators, Redis last, so nothing logs its dependencies' deaths);
        SIGKILL what has not exited 20 s later. Only the processes this demo started, by their ids."""
        for p in reversed(self.children):
            if p.poll() is not None:
                continue
            try:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=20)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def http_ok(self, url, key=None, timeout=2.0):
        req = urllib.request.Request(url)
        if key:
            req.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status == 200, r.read().decode("utf-8", "replace")
        except Exception:  # refused, 503 while joining, timeout
            return False, ""

    def wait_http(self, proc, url, what, seconds=120, key=None):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{what} exited with {proc.returncode} before it was ready (logs: {self.logs})")
            if self.http_ok(url, key)[0]:
                return
            time.sleep(0.3)
        raise RuntimeError(f"{what} not ready within {seconds} s ({url})")

    # ---------------------------------------------------------------- topology
    def start_topology(self):
        redis_port = free_port()
        redis = self.start("redis", [shutil.which("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1",
                                     "--save", "", "--appendonly", "no"], {})
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", redis_port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not answer")
        self.env = {
            "Orleans__Redis": f"127.0.0.1:{redis_port}",
            "Orleans__ClusterId": f"autoscale-{os.getpid()}-{int(time.time())}",
            "Orleans__AdvertisedIPAddress": "127.0.0.1",
            "Logging__Console__FormatterOptions__TimestampFormat": "yyyy-MM-ddTHH:mm:ss.fffZ ",
            "Logging__Console__FormatterOptions__UseUtcTimestamp": "true",
            "Logging__Console__TimestampFormat": "yyyy-MM-ddTHH:mm:ss.fffZ ",
            "Logging__Console__UseUtcTimestamp": "true",
        }
        sims = []
        for i in range(self.a.gpus):
            port = free_port()
            sims.append((self.start(f"gpu-{i + 1}", ["dotnet", dll("InferenceSim", "InferenceSim"), "--urls", f"http://127.0.0.1:{port}",
                                                     f"--Simulator:Mode={self.a.mode}", f"--Simulator:Capacity={self.a.gpu_capacity}"], self.env),
                         f"http://127.0.0.1:{port}/health"))
            self.env[f"Stt__Backends__{i}__Id"] = f"gpu-{i + 1}"
            self.env[f"Stt__Backends__{i}__Url"] = f"ws://127.0.0.1:{port}/v1/stream"
            self.env[f"Stt__Backends__{i}__Capacity"] = str(self.a.gpu_capacity)
        for proc, url in sims:
            self.wait_http(proc, url, "a GPU simulator")
        for _ in range(self.a.min):
            self.start_silo(0.0)
        for s in self.silos:
            self.wait_http(s["proc"], s["http"] + "/healthz", f"silo-{s['index']}")
            s["ready_at"] = 0.0
        port = free_port()
        self.edge = self.start("edge", ["dotnet", dll("EdgeHost", "EdgeHost"), "--urls", f"http://127.0.0.1:{port}"], self.env)
        self.edge_url = f"ws://127.0.0.1:{port}/v1/listen"
        self.wait_http(self.edge, f"http://127.0.0.1:{port}/healthz", "the edge")

    def start_silo(self, t):
        i = self.next_silo
        self.next_silo += 1
        http_port, silo_port, gateway_port = free_port(), free_port(), free_port()
        env = dict(self.env)
        env["Stt__Operators__Keys__0"] = self.key
        proc = self.start(f"silo-{i}", ["dotnet", dll("Silo", "Silo"), "--urls", f"http://127.0.0.1:{http_port}",
                                        f"--Orleans:SiloPort={silo_port}", f"--Orleans:GatewayPort={gateway_port}"], env)
        silo = {"index": i, "proc": proc, "http": f"http://127.0.0.1:{http_port}", "started_at": t, "ready_at": None}
        self.silos.append(silo)
        return silo

    # ---------------------------------------------------------------- observation
    SESSIONS = re.compile(r"^orleansstt_silo_sessions(?:\{[^}]*\})?\s+([-0-9.eE+]+)", re.M)

    def silo_sessions(self, silo):
        ok, body = self.http_ok(silo["http"] + "/metrics", self.key)
        if not ok:
            return None
        return int(sum(float(v) for v in self.SESSIONS.findall(body)))

    PROGRESS = re.compile(r"open (\d+)/\d+.*?latency p50 ([0-9.]+|NaN) p99 ([0-9.]+|NaN) max")

    def read_progress(self):
        """New LoadTest progress lines since the last call: the worst per-second p99 among them, and open sessions."""
        worst = None
        for w in self.waves:
            if w.get("log") is None or not os.path.exists(w["log"]):
                continue
            with open(w["log"], "rb") as f:
                f.seek(w["offset"])
                chunk = f.read()
            end = chunk.rfind(b"\n") + 1
            w["offset"] += end
            for line in chunk[:end].decode("utf-8", "replace").splitlines():
                m = self.PROGRESS.search(line)
                if not m:
                    continue
                w["open"] = int(m.group(1))
                p99 = m.group(3)
                if p99 != "NaN" and float(p99) > 0:
                    worst = max(worst or 0.0, float(p99))
        client_open = sum(w.get("open", 0) for w in self.waves if w.get("proc") is not None and w["proc"].poll() is None)
        return worst, client_open

    # ---------------------------------------------------------------- the HPA rule
    def recommend(self, t, sessions, running):
        a = self.a
        raw = math.ceil(sessions / a.target) if sessions > 0 else 0
        # The HPA leaves the count alone while the per-pod average is within the tolerance of the target.
        if running > 0 and abs(sessions / running / a.target - 1.0) <= a.tolerance:
            raw = running
        self.recommendations.append((t, raw))
        window = [r for (when, r) in self.recommendations if when >= t - a.down_window]
        # Scale-down stabilisation: the highest recommendation of the window. Scale-up: at once (window 0 s).
        stabilised = raw if raw >= running else min(running, max(window))
        return raw, max(a.min, min(a.max, stabilised))

    def event(self, t, text):
        self.events.append((round(t, 1), text))
        print(f"[{t:6.1f}s] {text}", flush=True)

    def watch(self, t):
        """Between control steps (every 0.25 s): when stopped silos exit, when new ones become active, and any that died."""
        for s in list(self.stopping):
            if s["proc"].poll() is not None:
                self.stopping.remove(s)
                self.event(t, f"silo-{s['index']} exited (code {s['proc'].returncode}) {t - s['stopping_at']:.1f} s after SIGTERM")
        for s in list(self.silos):
            if s["proc"].poll() is not None:  # a silo that died by itself is a finding, not something to hide
                self.silos.remove(s)
                self.event(t, f"silo-{s['index']} exited unexpectedly with {s['proc'].returncode}")
            elif s["ready_at"] is None and self.http_ok(s["http"] + "/healthz", timeout=0.5)[0]:
                s["ready_at"] = t
                self.event(t, f"silo-{s['index']} active in the cluster (/healthz 200), {t - s['started_at']:.1f} s after its start")

    def control(self, t):
        per_silo = {s["index"]: self.silo_sessions(s) for s in self.silos + self.stopping}
        sessions = sum(v for v in per_silo.values() if v)
        running = len(self.silos)
        p99, client_open = self.read_progress()
        raw, desired = self.recommend(t, sessions, running)
        action = ""
        if desired > running:
            for _ in range(desired - running):
                s = self.start_silo(t)
                action += f"+silo-{s['index']} "
            self.event(t, f"scale up {running} -> {desired}: {sessions} sessions, ceil({sessions}/{self.a.target}) = {raw}")
        elif desired < running and not self.stopping:
            # One at a time (the HPA's scale-down policy here allows one pod per period), the newest first.
            s = self.silos.pop()
            s["stopping_at"] = t
            s["proc"].send_signal(signal.SIGTERM)
            self.stopping.append(s)
            action = f"-silo-{s['index']}"
            self.event(t, f"scale down {running} -> {running - 1} (desired {desired}): {sessions} sessions; SIGTERM to silo-{s['index']} "
                          f"holding {per_silo.get(s['index'])} of them")
        self.rows.append({
            "t": round(t, 1), "silos": len(self.silos), "silos_ready": sum(1 for s in self.silos if s["ready_at"] is not None),
            "silos_stopping": len(self.stopping), "sessions": sessions, "client_sessions": client_open,
            "raw": raw, "desired": desired, "p99_ms": "" if p99 is None else round(p99, 1),
            "per_silo": " ".join(f"{k}:{'-' if v is None else v}" for k, v in sorted(per_silo.items())), "action": action.strip(),
        })
        print(f"[{t:6.1f}s] silos {len(self.silos)} (+{len(self.stopping)} stopping) | sessions {sessions} (clients {client_open}) "
              f"| raw {raw} desired {desired} | p99 {'-' if p99 is None else f'{p99:.0f}'} ms | {self.rows[-1]['per_silo']}", flush=True)

    # ---------------------------------------------------------------- load
    def launch_wave(self, i, w):
        name = f"load-{i + 1}"
        w["log"] = os.path.join(self.logs, f"{name}.log")
        w["report"] = os.path.join(self.logs, f"{name}.json")
        w["offset"] = 0
        w["proc"] = self.start(name, ["dotnet", dll("LoadTest", "LoadTest"), "--url", self.edge_url, "--sessions", str(w["sessions"]),
                                      "--ramp", str(w["ramp"]), "--duration", str(w["duration"]), "--frame-ms", str(self.a.frame_ms),
                                      "--audio", "pattern", "--report-json", w["report"]] + (["--no-finals-check"] if self.a.mode.lower() == "echo" else []), {})

    def run(self):
        a = self.a
        for spec in a.waves.split(","):
            start, sessions, ramp, duration = (float(x) for x in spec.split(":"))
            self.waves.append({"start": start, "sessions": int(sessions), "ramp": int(ramp), "duration": int(duration), "proc": None})
        print(f"logs: {self.logs}", flush=True)
        self.start_topology()
        print(f"topology up: {len(self.silos)} silo(s), edge {self.edge_url}", flush=True)
        t0 = time.monotonic()
        last_end = max(w["start"] + w["ramp"] + w["duration"] for w in self.waves)
        hard_stop = last_end + a.tail + 120  # the loop is bounded even if a LoadTest hangs
        next_tick = 0.0
        while True:
            t = time.monotonic() - t0
            for i, w in enumerate(self.waves):
                if w["proc"] is None and t >= w["start"]:
                    self.launch_wave(i, w)
                    self.event(t, f"load wave {i + 1}: {w['sessions']} sessions, ramp {w['ramp']} s, streaming until t = {w['start'] + w['ramp'] + w['duration']:.0f} s")
            if t >= next_tick:
                self.control(t)
                next_tick += a.interval
            loads_done = all(w["proc"] is not None and w["proc"].poll() is not None for w in self.waves)
            if loads_done and t >= last_end + a.tail and not self.stopping:
                break
            if t > hard_stop:
                self.event(t, "hard deadline reached: stopping the run")
                break
            time.sleep(0.25)
            self.watch(time.monotonic() - t0)
        return self.verdict()

    # ---------------------------------------------------------------- results
    def verdict(self):
        lost, problems, latencies = 0, [], []
        for i, w in enumerate(self.waves):
            code = w["proc"].wait(timeout=60) if w["proc"] else None
            w["exit"] = code
            try:
                with open(w["report"]) as f:
                    r = json.load(f)
            except (OSError, ValueError, KeyError, TypeError):
                problems.append(f"load-{i + 1}: no report (exit {code})")
                lost += w["sessions"]
                continue
            finals = r.get("finals") or {}
            wave_lost = (sum(r["connect_failures"].values()) + r["closed_without_closed"] + sum(r["errors_by_code"].values())
                         + finals.get("sessions_with_mismatch", 0))
            w["lost"] = wave_lost
            w["summary"] = r
            lost += wave_lost
            problems += [f"load-{i + 1}: {p}" for p in r["problems"]]
            if code != 0 and not r["problems"]:
                problems.append(f"load-{i + 1}: exit code {code}")
            latencies.append(r["latency"])
        self.lost, self.problems = lost, problems
        return 0 if lost == 0 and not problems else 1

    def write(self, out_csv, out_svg, out_md):
        fields = ["t", "silos", "silos_ready", "silos_stopping", "sessions", "client_sessions", "raw", "desired", "p99_ms", "per_silo", "action"]
        with open(out_csv, "w", newline="") as f:
            wr = csv.DictWriter(f, fieldnames=fields)
            wr.writeheader()
            wr.writerows(self.rows)
        with open(out_svg, "w") as f:
            f.write(svg(self.rows, self.events, self.a))
        with open(out_md, "w") as f:
            f.write(self.markdown())
        print(f"timeline: {out_csv}\nchart:    {out_svg}\nsummary:  {out_md}", flush=True)

    def markdown(self):
        a, rows = self.a, self.rows
        p99s = [r["p99_ms"] for r in rows if r["p99_ms"] != ""]
        out = []
        out.append(f"Run of {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs (`nproc` = {os.cpu_count()}); "
                   f"target {a.target} sessions per silo, min {a.min}, max {a.max}, tolerance {a.tolerance:.0%}, "
                   f"scale-up at once, scale-down window {a.down_window:.0f} s, control every {a.interval:.0f} s.\n")
        out.append("| | |\n|---|---|")
        out.append(f"| silos | max {max(r['silos'] for r in rows)}, min {min(r['silos'] for r in rows)} |")
        out.append(f"| sessions (sum of `orleansstt_silo_sessions`) | max {max(r['sessions'] for r in rows)} |")
        if p99s:
            out.append(f"| p99 latency, worst 1-s window of any load process per {a.interval:.0f}-s step | {min(p99s):.0f} – {max(p99s):.0f} ms |")
        for i, w in enumerate(self.waves):
            r = w.get("summary")
            if r:
                lat = r["latency"]
                sw = r["switches"]
                out.append(f"| load-{i + 1}: {w['sessions']} sessions from t = {w['start']:.0f} s | p50 {lat['p50']:.0f} / p99 {lat['p99']:.0f} / max {lat['max']:.0f} ms, "
                           f"{sw['switches']} `backend_switched`, lost {w['lost']}, exit {w['exit']} |")
        out.append(f"| **sessions lost** | **{self.lost}** |")
        if self.problems:
            out.append(f"| problems | {'; '.join(self.problems)} |")
        out.append("\nScale events:\n")
        out.append("| t (s) | event |\n|---:|---|")
        out += [f"| {t:.0f} | {text} |" for t, text in self.events]
        out.append("\nTimeline (every control step):\n")
        out.append("| t (s) | silos | sessions | ceil(sessions/target) | desired | p99 (ms) | sessions per silo |\n|---:|---:|---:|---:|---:|---:|---|")
        out += [f"| {r['t']:.0f} | {r['silos']}{' +' + str(r['silos_stopping']) + ' stopping' if r['silos_stopping'] else ''} | {r['sessions']} | {r['raw']} | "
                f"{r['desired']} | {r['p99_ms'] if r['p99_ms'] != '' else '–'} | {r['per_silo']} |" for r in rows]
        return "\n".join(out) + "\n"


def svg(rows, events, a):
    """Three stacked panels sharing the time axis: silos (and desired), sessions, p99. Hand-drawn, no plotting library."""
    W, left, right, top, ph, gap = 900, 70, 20, 40, 150, 40
    H = top + 3 * ph + 2 * gap + 50
    tmax = max(r["t"] for r in rows) or 1
    x = lambda t: left + (W - left - right) * t / tmax
    p99 = [r["p99_ms"] for r in rows if r["p99_ms"] != ""]
    panels = [
        ("silos", [("silos", "silos", "#1f77b4", True), ("desired", "desired", "#ff7f0e", True)], max(a.max, 1)),
        ("sessions", [("sessions", "sessions (sum over silos)", "#2ca02c", False), ("capacity", "silos × target", "#7f7f7f", True)],
         max(10, max(r["sessions"] for r in rows))),
        ("p99 latency (ms)", [("p99_ms", "p99, worst 1-s window per step", "#d62728", False)], max(10, max(p99) if p99 else 10)),
    ]
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{left}" y="20" font-size="14" font-weight="bold">Silo autoscaling, HPA rule simulated with processes '
         f'(target {a.target} sessions/silo, scale-down window {a.down_window:.0f} s)</text>']
    rows = [dict(r, capacity=r["silos"] * a.target) for r in rows]
    for n, (title, series, ymax) in enumerate(panels):
        y0 = top + n * (ph + gap)
        ymax = ymax + 1 if n == 0 else nice(ymax * 1.1)
        y = lambda v, y0=y0, ymax=ymax: y0 + ph - ph * v / ymax
        o.append(f'<rect x="{left}" y="{y0}" width="{W - left - right}" height="{ph}" fill="none" stroke="#999"/>')
        for k in range(int(ymax) + 1 if n == 0 else 5):
            v = k if n == 0 else ymax * k / 4
            o.append(f'<line x1="{left}" x2="{W - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
            o.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
        o.append(f'<text x="{left + 6}" y="{y0 - 6}" font-weight="bold">{title}</text>')
        for t, text in events:
            if text.startswith("scale"):
                colour = "#1f77b4" if "up" in text else "#9467bd"
                o.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{y0}" y2="{y0 + ph}" stroke="{colour}" stroke-dasharray="3,3"/>')
        lx = left + 150
        for key, label, colour, step in series:
            pts = []
            prev = None
            for r in rows:
                if r[key] == "":
                    prev = None
                    continue
                px, py = x(r["t"]), y(float(r[key]))
                if step and prev is not None:
                    pts.append(f"{px:.1f},{prev:.1f}")
                pts.append(f"{px:.1f},{py:.1f}")
                prev = py
            dash = ' stroke-dasharray="6,3"' if key in ("desired", "capacity") else ""
            o.append(f'<polyline points="{" ".join(pts)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            o.append(f'<line x1="{lx}" x2="{lx + 20}" y1="{y0 - 10}" y2="{y0 - 10}" stroke="{colour}" stroke-width="2"{dash}/>')
            o.append(f'<text x="{lx + 24}" y="{y0 - 6}">{label}</text>')
            lx += 60 + 7 * len(label)
    ybase = top + 3 * ph + 2 * gap
    step = nice(tmax / 10)
    t = 0.0
    while t <= tmax:
        o.append(f'<text x="{x(t):.1f}" y="{ybase + 16}" text-anchor="middle">{t:g}</text>')
        t += step
    o.append(f'<text x="{(W + left) / 2}" y="{ybase + 34}" text-anchor="middle">seconds since the load started '
             f'(dashed verticals: scale-up blue, scale-down purple)</text>')
    o.append("</svg>")
    return "\n".join(o) + "\n"


def nice(v):
    if v <= 0:
        return 1
    e = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * e:
            return m * e
    return 10 * e


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", type=int, default=20, help="sessions per silo (the HPA's averageValue)")
    p.add_argument("--min", type=int, default=1)
    p.add_argument("--max", type=int, default=4)
    p.add_argument("--tolerance", type=float, default=0.1, help="the HPA's tolerance (kube-controller-manager default 0.1)")
    p.add_argument("--interval", type=float, default=5, help="seconds between control steps (the HPA syncs every 15 s)")
    p.add_argument("--down-window", type=float, default=30, help="scale-down stabilisation window, s (HPA default 300)")
    p.add_argument("--waves", default="0:18:10:150,20:18:20:50,40:18:30:150",
                   help="LoadTest processes as start:sessions:ramp:duration, comma-separated (seconds)")
    p.add_argument("--tail", type=float, default=10, help="seconds of control after the last wave ends")
    p.add_argument("--frame-ms", type=int, default=50)
    p.add_argument("--mode", default="Speech", help="InferenceSim mode: Speech (finals checked) or Echo")
    p.add_argument("--gpus", type=int, default=2)
    p.add_argument("--gpu-capacity", type=int, default=100)
    p.add_argument("--logs", default=None)
    p.add_argument("--csv", default=os.path.join(REPO, "docs", "autoscaling.csv"))
    p.add_argument("--svg", default=os.path.join(REPO, "docs", "autoscaling.svg"))
    p.add_argument("--md", default=None, help="Markdown summary (default: summary.md in the logs directory)")
    a = p.parse_args()
    if not shutil.which("redis-server"):
        sys.exit("autoscale-demo: redis-server is not on PATH (apt-get install redis-server)")
    a.logs = a.logs or subprocess.check_output(["mktemp", "-d", "/tmp/orleansstt-autoscale.XXXXXX"], text=True).strip()
    os.makedirs(a.logs, exist_ok=True)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    demo = Demo(a)
    status = 1
    try:
        status = demo.run()
        demo.write(a.csv, a.svg, a.md or os.path.join(a.logs, "summary.md"))
        print(f"sessions lost: {demo.lost}", flush=True)
        for problem in demo.problems:
            print(f"problem: {problem}", flush=True)
    except Stop as e:
        print(f"autoscale-demo: stopped ({e})", file=sys.stderr)
        status = 130
    except RuntimeError as e:
        print(f"autoscale-demo: {e}", file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        demo.cleanup()
    return status


if __name__ == "__main__":
    sys.exit(main())
