#!/usr/bin/env python3
"""The benchmark: sqibs-filter `check --format json` and `replay --format json`, jq with the equivalent
program (bench/equivalent.jq), and the parse-only floor (examples/parse_floor.rs), on the same corpus in
the same run. Prints wall time, MB/s, bodies/s, peak memory and the throughput ratio to jq; checks that
sqibs-filter and jq agree on every body of the 10,000-body corpus; measures startup on one small body
against jq; and puts `serve` under load (examples/load.rs) against a minimal hyper server
(examples/hello_server.rs) as the ceiling. Run it through bench/run.sh, which builds and installs what
it needs.

Usage: run.py BODIES [RUNS]
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

# Where cargo built (bench/run.sh builds with the caller's CARGO_TARGET_DIR, if any).
TARGET = os.environ.get("CARGO_TARGET_DIR", "target")
# The `dist` profile: fat LTO, one codegen unit, as a distributed binary is built.
BIN = f"{TARGET}/dist/sqibs-filter"
FLOOR = f"{TARGET}/dist/examples/parse_floor"
CORPUS = f"{TARGET}/dist/examples/corpus"
HELLO = f"{TARGET}/dist/examples/hello_server"
LOAD = f"{TARGET}/dist/examples/load"
FILTERS = "bench/filters"
JQ = ["jq", "-c", "-f", "bench/equivalent.jq"]
DIR = f"{TARGET}/bench"
# The load's keep-alive connections: as many senders as the concurrency test's, on two cores.
CONNECTIONS = 8


def corpus(bodies, pretty=False):
    # `rs`: written by examples/corpus (an older generator's files are not reused).
    path = f"{DIR}/corpus-rs-{bodies}{'-pretty.json' if pretty else '.jsonl'}"
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        args = [CORPUS, str(bodies), path] + (["--pretty"] if pretty else [])
        subprocess.run(args, check=True)
    return path


def measure(argv, runs):
    """Median wall seconds and the largest peak RSS (MB) over `runs` runs, output to /dev/null. The peak
    comes from GNU time, which execs the command from a small process: measured from Python, a forked
    child would count the interpreter's own memory."""
    walls, peaks = [], []
    for _ in range(runs):
        with open(os.devnull, "wb") as null:
            start = time.perf_counter()
            proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f"{DIR}/peak.txt"] + argv,
                                  stdout=null, stderr=subprocess.PIPE)
            walls.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            sys.exit(f"bench: {' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()}")
        with open(f"{DIR}/peak.txt") as f:
            peaks.append(int(f.read().split()[-1]) / 1024)
    return statistics.median(walls), max(peaks)


def table(title, path, bodies, runs):
    size_mb = os.path.getsize(path) / 1e6
    rows = [
        ("parse-only floor (serde_json::Value)", [FLOOR, path]),
        ("sqibs-filter check --format json", [BIN, "check", "--filters", FILTERS, "--format", "json", path]),
        ("sqibs-filter replay --format json", [BIN, "replay", "--filters", FILTERS, "--format", "json", path]),
        ("jq -c -f bench/equivalent.jq", JQ + [path]),
    ]
    results = {name: measure(argv, runs) for name, argv in rows}
    jq_wall = results[rows[-1][0]][0]
    floor_wall = results[rows[0][0]][0]
    print(f"\n{title}: {bodies:,} bodies, {size_mb:,.0f} MB, median of {runs} runs")
    print(f"{'':40} {'wall s':>8} {'MB/s':>8} {'bodies/s':>11} {'peak MB':>8} {'x jq':>6} {'x floor':>8}")
    for name, _ in rows:
        wall, peak = results[name]
        print(f"{name:40} {wall:8.3f} {size_mb / wall:8.0f} {bodies / wall:11,.0f} {peak:8.1f}"
              f" {jq_wall / wall:6.1f} {wall / floor_wall:8.2f}")


def agreement(path):
    """sqibs-filter and jq must make the same decision, title, description and key for every body."""
    ours = subprocess.run([BIN, "check", "--filters", FILTERS, "--format", "json", path],
                          capture_output=True, text=True)
    theirs = subprocess.run(JQ + [path], capture_output=True, text=True, check=True)
    a, b = ours.stdout.splitlines(), theirs.stdout.splitlines()
    if len(a) != len(b):
        sys.exit(f"bench: sqibs-filter gave {len(a)} lines, jq {len(b)}")
    codes = {}
    for n, (x, y) in enumerate(zip(a, b), 1):
        x, y = json.loads(x), json.loads(y)
        trigger, resolve = x["trigger"] or {}, x["resolve"] or {}
        mine = {"service": x["service"], "code": x["code"]}
        if x["code"] == 201:
            mine.update(title=trigger["title"], description=trigger["description"], map_key=trigger["map_key"])
        elif x["code"] == 200:
            mine.update(map_key=resolve["map_key"])
        if mine != y:
            sys.exit(f"bench: line {n} differs:\n  sqibs-filter {mine}\n  jq           {y}")
        codes[x["code"]] = codes.get(x["code"], 0) + 1
    print(f"\nagreement: sqibs-filter and jq agree on all {len(a):,} lines of {path} "
          f"({codes.get(201, 0):,} triggers, {codes.get(200, 0):,} resolves, {codes.get(202, 0):,} discarded)")


def startup(runs=51):
    """Median time to check one small body, against jq on the same body."""
    one = f"{DIR}/one.json"
    with open(one, "w") as f:
        f.write('{"status": "firing", "alert_id": "tigera-00001", "alert_name": "Port Scan", "description": "d"}\n')
    ours = measure([BIN, "check", "--filters", FILTERS, "--format", "json", one], runs)[0]
    theirs = measure(JQ + [one], runs)[0]
    print(f"\nstartup, one small body, median of {runs}: sqibs-filter {ours * 1000:.2f} ms, "
          f"jq {theirs * 1000:.2f} ms ({theirs / ours:.1f}x)")


def server(name, argv):
    """Starts a server on an ephemeral loopback port and returns it with the address it announces on
    standard error. Its output goes to files: a pipe nobody reads would fill and stall it."""
    err = f"{DIR}/{name}.err"
    with open(err, "wb") as log:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open(err) as f:
            found = re.search(r"http://([0-9.]+:[0-9]+)/", f.read())
        if found:
            return proc, found.group(1)
        if proc.poll() is not None:
            break
        time.sleep(0.02)
    proc.kill()
    with open(err) as f:
        sys.exit(f"bench: {' '.join(argv)} did not start:\n{f.read()}")


def load(name, address, requests, tag):
    """One load run against `address`; exits unless every answer has the status it must: for `serve`,
    201 for each firing alert and 200 for each resolved one (each pair has an alert id of its own, so
    none is a duplicate); for the ceiling, 201 for all."""
    out = subprocess.run([LOAD, f"http://{address}/v1/process?from=Tigera", str(requests), str(CONNECTIONS), tag],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"bench: load against {name} failed: {out.stderr}")
    result = json.loads(out.stdout)
    if name == "serve":
        want = {"201": result["firing"], "200": result["resolved"]}
    else:
        want = {"201": result["requests"]}
    want = {status: n for status, n in want.items() if n}
    if result["status"] != want:
        sys.exit(f"bench: {name} answered {result['status']}, expected {want}")
    return result


def load_table(bodies, runs):
    """`serve` with the shipped filters and the hyper ceiling under the same load, runs interleaved."""
    requests = min(bodies, 20_000)
    # Other work on the machine weighs on a server more than on a batch: say how much there was.
    busy = os.getloadavg()[0]
    servers = {
        "serve": server("serve", [BIN, "serve", "--filters", "filters", "--listen", "127.0.0.1:0"]),
        "hello": server("hello", [HELLO, "127.0.0.1:0"]),
    }
    try:
        # Statuses checked (and connections, caches and allocators warmed) before anything is timed.
        for name, (_, address) in servers.items():
            load(name, address, 1_000, "check")
        results = {name: [] for name in servers}
        for run in range(runs):
            # Each goes first in turn, so that neither always meets the machine in the same state.
            order = list(servers) if run % 2 == 0 else list(reversed(servers))
            for name in order:
                results[name].append(load(name, servers[name][1], requests, f"run{run}"))
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=20)
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("requests_per_second", "p50_ms", "p99_ms")}
              for name, rs in results.items()}
    ceiling = median["hello"]["requests_per_second"]
    print(f"\nload: {requests:,} JSON requests (Tigera firing and resolved in turn) over {CONNECTIONS} keep-alive "
          f"connections on loopback, median of {runs} runs; load average {busy:.1f} before")
    print(f"{'':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x ceiling':>10}")
    for name, label in (("serve", "sqibs-filter serve --filters filters"), ("hello", "hello_server (hyper, the ceiling)")):
        m = median[name]
        print(f"{label:40} {m['requests_per_second']:8,.0f} {m['p50_ms']:8.3f} {m['p99_ms']:8.3f}"
              f" {m['requests_per_second'] / ceiling:10.2f}")


def main():
    bodies = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.makedirs(DIR, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['jq', '--version'], capture_output=True, text=True).stdout.strip()}")
    table("JSON Lines corpus", corpus(bodies), bodies, runs)
    table("pretty-printed bodies back to back", corpus(10_000, pretty=True), 10_000, runs)
    agreement(corpus(10_000))
    startup()
    load_table(bodies, runs)


if __name__ == "__main__":
    main()
