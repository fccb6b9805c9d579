#!/usr/bin/env python3
"""The benchmark: sqibs-filter `check --format json` and `replay --format json`, jq with the equivalent
program (bench/equivalent.jq), and the parse-only floor (examples/parse_floor.rs), on the same corpus in
the same run. Prints wall time, MB/s, bodies/s, peak memory and the throughput ratio to jq; checks that
sqibs-filter and jq agree on every body of the 10,000-body corpus; and measures startup on one small
body against jq. Run it through bench/run.sh, which builds and installs what it needs.

Usage: run.py BODIES [RUNS]
"""
import json
import os
import statistics
import subprocess
import sys
import time

# The `dist` profile: fat LTO, one codegen unit, as a distributed binary is built.
BIN = "target/dist/sqibs-filter"
FLOOR = "target/dist/examples/parse_floor"
CORPUS = "target/dist/examples/corpus"
FILTERS = "bench/filters"
JQ = ["jq", "-c", "-f", "bench/equivalent.jq"]
DIR = "target/bench"


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


def main():
    bodies = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.makedirs(DIR, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores; {subprocess.run(['jq', '--version'], capture_output=True, text=True).stdout.strip()}")
    table("JSON Lines corpus", corpus(bodies), bodies, runs)
    table("pretty-printed bodies back to back", corpus(10_000, pretty=True), 10_000, runs)
    agreement(corpus(10_000))
    startup()


if __name__ == "__main__":
    main()
