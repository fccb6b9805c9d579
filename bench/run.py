#!/usr/bin/env python3
"""The benchmark, in one run: sqibs-filter against jq 1.6 with the exact-equivalent program
(bench/equivalent.jq), jaq with the same program when it is installed, and the parse-only floor
(examples/parse_floor.rs: a single-thread serde_json::Value parse of every body), on the same corpus;
then every target of the performance issue with its measured ratio and PASS or FAIL.

Before anything is timed, jq (and jaq) must agree with `sqibs-filter check --format json` on every body
of a sample, JSON Lines and pretty-printed: the same codes in the same order, titles, descriptions and
mapping keys, nothing missing or left over; any difference stops the run.

Ratios are of throughput, on the same input: "x jq" is jq's wall time over the row's, "x floor" the
floor's over the row's (above 1: faster than parsing every body into a serde_json::Value on one
thread). Timed commands run interleaved (each run of every command before the next run of any, the
order reversed every other run) and the median wall time is kept; peak memory is GNU time's maximum
resident set, CPU time its user and system seconds (a median too). `serve` is also put under load
(examples/load.rs) against a minimal hyper server (examples/hello_server.rs) as the ceiling. Run it
through bench/run.sh, which builds and installs what it needs.

Usage: run.py BODIES [RUNS]
"""
import datetime
import json
import os
import re
import shutil
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
SERVICES = ["alertmanager", "tigera"]  # in the order sqibs-filter loads bench/filters/
PROGRAM = "bench/equivalent.jq"
JQ = ["jq", "-c", "-f", PROGRAM]
DIR = f"{TARGET}/bench"
# bench/run.sh installs jaq here (`cargo install jaq --root`) when it can; else one on the PATH.
JAQ_BIN = f"{DIR}/jaq/bin/jaq" if os.access(f"{DIR}/jaq/bin/jaq", os.X_OK) else shutil.which("jaq")
# The load's keep-alive connections: as many senders as the concurrency test's, on two cores.
CONNECTIONS = 8
# Bodies the corpus lacks, for the readings it never exercises: upper-case statuses and keys, missing
# titles and descriptions, values that are not strings, non-ASCII text. Checked like the sample.
EDGE = "bench/edge.jsonl"
# The sample both programs must agree on before timing, and the size of the smaller corpora.
SAMPLE = 10_000
SMALL = 100_000
STARTUP_RUNS = 200


def check_json(path):
    return [BIN, "check", "--filters", FILTERS, "--format", "json", path]


def check_human(path):
    return [BIN, "check", "--filters", FILTERS, "--format", "human", path]


def replay_json(path):
    return [BIN, "replay", "--filters", FILTERS, "--format", "json", path]


def corpus(bodies, pretty=False):
    # `rs`: written by examples/corpus (an older generator's files are not reused). The generator's
    # sequence never changes, so a smaller corpus holds the first bodies of a larger one.
    path = f"{DIR}/corpus-rs-{bodies}{'-pretty.json' if pretty else '.jsonl'}"
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        args = [CORPUS, str(bodies), path] + (["--pretty"] if pretty else [])
        subprocess.run(args, check=True)
    return path


def write_once(path, lines):
    """Writes `lines` to `path` unless it is there already (atomically, so a cut run leaves none)."""
    if not os.path.exists(path):
        with open(path + ".tmp", "w") as f:
            f.writelines(lines)
        os.replace(path + ".tmp", path)
    return path


def huge_body(bodies):
    """One Alertmanager-shaped body that fires, its `alerts` array holding `bodies` corpus bodies."""
    source = corpus(bodies)

    def lines():
        yield ('{"status":"firing","groupKey":"{}:{alertname=\\"Huge\\"}","commonLabels":{"alertname":"Huge"},'
               '"commonAnnotations":{"summary":"one huge body"},"alerts":[')
        with open(source) as f:
            for n, line in enumerate(f):
                yield ("," if n else "") + line.rstrip("\n")
        yield "]}\n"
    return write_once(f"{DIR}/huge-{bodies}.json", lines())


# Small Tigera bodies with a mapping key of their own each: "open" fire (an incident that is never
# resolved), "none" is the same body matching nothing, byte for byte as long.
KEY = "tigera-{:07d}"


def incidents(bodies, status):
    line = '{{"status":"{}","alert_id":"' + KEY + '","alert_name":"Port Scan","description":"d"}}\n'
    return write_once(f"{DIR}/replay-{status}-{bodies}.jsonl", (line.format(status, i) for i in range(bodies)))


def run_once(argv):
    """Wall seconds, peak RSS (KiB) and CPU seconds (user and system) of one run, output to /dev/null. The peak comes from GNU time,
    which execs the command from a small process: measured from Python, a forked child would count the
    interpreter's own memory."""
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", f"{DIR}/peak.txt"] + argv,
                              stdout=null, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
    # check exits 1 when every body was discarded; anything else is a failure.
    if proc.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(argv)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    with open(f"{DIR}/peak.txt") as f:
        peak, user, system = f.read().split()[-3:]
    return wall, int(peak), float(user) + float(system)


def interleaved(rows, runs):
    """Each command run `runs` times, interleaved: every command once per round, the order reversed
    every other round. Returns the median wall seconds, the peaks (KiB) and the median CPU seconds of
    each."""
    walls = {name: [] for name, _ in rows}
    peaks = {name: [] for name, _ in rows}
    cpus = {name: [] for name, _ in rows}
    for r in range(runs):
        for name, argv in (rows if r % 2 == 0 else rows[::-1]):
            wall, peak, cpu = run_once(argv)
            walls[name].append(wall)
            peaks[name].append(peak)
            cpus[name].append(cpu)
    return {name: (statistics.median(walls[name]), peaks[name], statistics.median(cpus[name])) for name, _ in rows}


def print_table(title, rows, results, size_mb, bodies, runs, jq=None, floor=None):
    print(f"\n{title}: {bodies:,} bodies, {size_mb:,.0f} MB, median of {runs} runs")
    print(f"{'':44} {'wall s':>8} {'cpu s':>8} {'MB/s':>8} {'bodies/s':>11} {'peak MB':>8}"
          + (f" {'x jq':>6}" if jq else "") + (f" {'x floor':>8}" if floor else ""))
    for name, _ in rows:
        wall, peak, cpu = results[name]
        line = f"{name:44} {wall:8.3f} {cpu:8.2f} {size_mb / wall:8.0f} {bodies / wall:11,.0f} {max(peak) / 1024:8.1f}"
        if jq:
            line += f" {results[jq][0] / wall:6.1f}"
        if floor:
            line += f" {results[floor][0] / wall:8.2f}"
        print(line)


# --- agreement ---

def ours_per_body(path, bodies):
    """sqibs-filter's outcomes, one list per body of (service, code, title, description, key),
    checked line by line for the shape it must have."""
    proc = subprocess.run(check_json(path), capture_output=True, text=True)
    if proc.returncode not in (0, 1) or proc.stderr:
        sys.exit(f"bench: sqibs-filter check on {path} exited {proc.returncode}: {proc.stderr[-2000:]}")
    lines = proc.stdout.splitlines()
    if len(lines) != bodies * len(SERVICES):
        sys.exit(f"bench: sqibs-filter gave {len(lines)} lines for {bodies:,} bodies of {path}, "
                 f"not {len(SERVICES)} a body")
    out = []
    for n, line in enumerate(lines):
        x = json.loads(line)
        body, service = n // len(SERVICES) + 1, SERVICES[n % len(SERVICES)]
        if x["input"] != path or x["index"] != body or x["service"] != service:
            sys.exit(f"bench: sqibs-filter line {n + 1} is {x['input']}#{x['index']} {x['service']}, "
                     f"expected {path}#{body} {service}")
        code, trigger, resolve = x["code"], x["trigger"], x["resolve"]
        if code == 201 and trigger is not None:
            outcome = (service, 201, trigger["title"], trigger["description"], trigger["map_key"])
        elif code == 200 and trigger is None and resolve is not None:
            outcome = (service, 200, resolve["map_key"])
        elif code == 202 and trigger is None and resolve is None:
            outcome = (service, 202)
        else:
            sys.exit(f"bench: sqibs-filter line {n + 1} has code {code} with trigger {trigger} and resolve {resolve}")
        if n % len(SERVICES) == 0:
            out.append([])
        out[-1].append(outcome)
    return out


def peer_per_body(argv, path, bodies, name):
    """The peer's outcomes in the same form, from bench/equivalent.jq's one array a body; `None` and
    the reason when it ran or answered otherwise."""
    proc = subprocess.run(argv + [path], capture_output=True, text=True)
    if proc.returncode != 0 or proc.stderr:
        return None, f"{name} exited {proc.returncode}: {proc.stderr[-2000:]}"
    lines = proc.stdout.splitlines()
    if len(lines) != bodies:
        return None, f"{name} gave {len(lines):,} lines for {bodies:,} bodies"
    out = []
    for n, line in enumerate(lines, 1):
        items, at, body = json.loads(line), 0, []
        for service in SERVICES:
            width = {201: 4, 200: 2, 202: 1}.get(items[at] if at < len(items) else None)
            if width is None or at + width > len(items):
                return None, f"{name} line {n} is not one outcome a service: {line}"
            body.append((service,) + tuple(items[at:at + width]))
            at += width
        if at != len(items):
            return None, f"{name} line {n} has more than one outcome a service: {line}"
        out.append(body)
    return out, None


def agreement(path, bodies, peers):
    """Every body of `path`: each peer must give sqibs-filter's outcome, exactly. Returns the peers that
    disagree, with the reason; exits if jq is one of them."""
    ours = ours_per_body(path, bodies)
    codes = {}
    for body in ours:
        for outcome in body:
            codes[outcome[:2]] = codes.get(outcome[:2], 0) + 1
    # A sample that misses a code for a service would leave that path of the program untested.
    missing = [f"{s} {c}" for s in SERVICES for c in (200, 201, 202) if (s, c) not in codes]
    if missing:
        sys.exit(f"bench: the sample {path} has no {', '.join(missing)}: it tests too little")
    failed = {}
    for name, argv in peers:
        theirs, why = peer_per_body(argv, path, bodies, name)
        if theirs is not None:
            for n, (a, b) in enumerate(zip(ours, theirs), 1):
                if a != b:
                    why = f"body {n} differs:\n  sqibs-filter {a}\n  {name:12} {b}"
                    break
        if why is not None:
            if name == "jq":
                sys.exit(f"bench: jq and sqibs-filter disagree on {path}: {why}")
            failed[name] = why
    agreeing = [name for name, _ in peers if name not in failed]
    summary = ", ".join(f"{s} {c} {codes[(s, c)]:,}" for s in SERVICES for c in (201, 200, 202))
    print(f"agreement: {', '.join(['sqibs-filter'] + agreeing)}: the same outcome on all {bodies:,} bodies of "
          f"{path} ({summary})")
    for name, why in failed.items():
        print(f"agreement: {name} does not agree on {path}, so it is not timed: {why}")
    return failed


# --- startup ---

def spawn_wall(argv, null):
    """Wall seconds of one run, spawned directly (no shell, no GNU time), output to /dev/null."""
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
        (os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)])
    _, status = os.waitpid(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"bench: {' '.join(argv)} failed")
    return wall


def startup(peers):
    """Median wall time of `check` on one small body, against /bin/true (the cost of starting any
    process from here) and the peers on the same body, runs interleaved."""
    one = f"{DIR}/one.json"
    with open(one, "w") as f:
        f.write('{"status": "firing", "alert_id": "tigera-00001", "alert_name": "Port Scan", "description": "d"}\n')
    which = lambda cmd: cmd if os.path.isabs(cmd) else subprocess.run(
        ["sh", "-c", f"command -v {cmd}"], capture_output=True, text=True).stdout.strip()
    rows = [("/bin/true", ["/bin/true"]), ("sqibs-filter check --format json", check_json(one))]
    rows += [(name, [which(argv[0])] + argv[1:] + [one]) for name, argv in peers]
    walls = {name: [] for name, _ in rows}
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        for name, argv in rows:  # warm the page cache
            spawn_wall(argv, null)
        for r in range(STARTUP_RUNS):
            for name, argv in (rows if r % 2 == 0 else rows[::-1]):
                walls[name].append(spawn_wall(argv, null))
    finally:
        os.close(null)
    median = {name: statistics.median(w) * 1000 for name, w in walls.items()}
    print(f"\nstartup, one small body, median of {STARTUP_RUNS} interleaved runs (ms): "
          + ", ".join(f"{name} {ms:.2f}" for name, ms in median.items()))
    return median


# --- load ---

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


# --- the run ---

def header(jaq_version):
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], capture_output=True).returncode != 0
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open("/proc/meminfo") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    jq = subprocess.run(["jq", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"date: {now}; commit {commit or 'unknown'}{' with uncommitted changes' if dirty else ''}")
    print(f"machine: {os.cpu_count()} cores, {mem_gib:.0f} GiB, {os.uname().sysname} {os.uname().release}; "
          f"{jq}; jaq: {jaq_version or 'not installed'}; load average {os.getloadavg()[0]:.1f} before")


def main():
    bodies = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    os.makedirs(DIR, exist_ok=True)
    jaq_version = None
    if JAQ_BIN:
        jaq_version = subprocess.run([JAQ_BIN, "--version"], capture_output=True, text=True).stdout.strip()
    header(jaq_version)

    # The yardstick first: no peer is timed before it gives sqibs-filter's outcome on every body.
    peers = [("jq", JQ)] + ([("jaq", [JAQ_BIN, "-c", "-f", PROGRAM])] if jaq_version else [])
    sample = min(bodies, SAMPLE)
    failed = {}
    with open(EDGE) as f:
        edge = sum(1 for _ in f)
    for path, count in ((corpus(sample), sample), (corpus(sample, pretty=True), sample), (EDGE, edge)):
        failed.update(agreement(path, count, [p for p in peers if p[0] not in failed]))
    peers = [p for p in peers if p[0] not in failed]

    # The JSON Lines corpus.
    path = corpus(bodies)
    size_mb = os.path.getsize(path) / 1e6
    rows = [
        ("parse-only floor (serde_json::Value)", [FLOOR, path]),
        ("sqibs-filter check --format json", check_json(path)),
        ("sqibs-filter check (human)", check_human(path)),
        ("sqibs-filter replay --format json", replay_json(path)),
        (f"jq -c -f {PROGRAM}", JQ + [path]),
    ] + [(f"jaq -c -f {PROGRAM}", argv + [path]) for name, argv in peers if name == "jaq"]
    main_results = interleaved(rows, runs)
    print_table("JSON Lines corpus", rows, main_results, size_mb, bodies, runs,
                jq=f"jq -c -f {PROGRAM}", floor="parse-only floor (serde_json::Value)")
    wall = {name: r[0] for name, r in main_results.items()}

    # The same bodies pretty-printed back to back, against their JSON Lines.
    small = min(bodies, SMALL)
    lines, pretty = corpus(small), corpus(small, pretty=True)
    pretty_rows = [
        ("check --format json, JSON Lines", check_json(lines)),
        ("check --format json, pretty-printed", check_json(pretty)),
    ]
    pretty_results = interleaved(pretty_rows, runs)
    print(f"\npretty-printed bodies back to back: the first {small:,} bodies, {os.path.getsize(lines) / 1e6:,.0f} MB "
          f"as JSON Lines and {os.path.getsize(pretty) / 1e6:,.0f} MB pretty-printed, median of {runs} runs")
    print(f"{'':44} {'wall s':>8} {'cpu s':>8} {'MB/s':>8} {'bodies/s':>11} {'peak MB':>8}")
    for (name, argv), file in zip(pretty_rows, (lines, pretty)):
        w, peak, cpu = pretty_results[name]
        print(f"{name:44} {w:8.3f} {cpu:8.2f} {os.path.getsize(file) / 1e6 / w:8.0f} {small / w:11,.0f} {max(peak) / 1024:8.1f}")

    # Memory: one huge body, and replay's open incidents.
    huge = huge_body(small)
    huge_mb = os.path.getsize(huge) / 1e6
    huge_peak = max(interleaved([("huge", check_json(huge))], runs)["huge"][1]) * 1024 / 1e6
    print(f"\none huge body ({small:,} corpus bodies in its alerts[]), {huge_mb:,.0f} MB: check --format json "
          f"peaks at {huge_peak:,.0f} MB ({huge_peak / huge_mb:.2f}x its size), the most of {runs} runs")
    opened, none = incidents(bodies, "firing"), incidents(bodies, "paused")
    replay_results = interleaved([("open", replay_json(opened)), ("none", replay_json(none))], runs)
    peak_open = statistics.median(replay_results["open"][1])
    peak_none = statistics.median(replay_results["none"][1])
    per_incident = (peak_open - peak_none) * 1024 / bodies
    key_len = len(KEY.format(0))
    print(f"replay --format json: {bodies:,} small bodies, each opening an incident never resolved, peak "
          f"{peak_open / 1024:,.1f} MB; the same bodies matching nothing, {peak_none / 1024:,.1f} MB (medians "
          f"of {runs}): {per_incident:,.0f} bytes per open incident, its key {key_len} bytes of text")

    start = startup(peers)
    load_table(bodies, runs)

    # Every target, from this run.
    check, human = wall["sqibs-filter check --format json"], wall["sqibs-filter check (human)"]
    jq, floor = wall[f"jq -c -f {PROGRAM}"], wall["parse-only floor (serde_json::Value)"]
    replay = wall["sqibs-filter replay --format json"]
    stream_peak = max(max(main_results[n][1]) for n in ("sqibs-filter check --format json", "sqibs-filter check (human)")) / 1024
    targets = [
        ("check --format json throughput >= 25x jq 1.6", f"{jq / check:.1f}x", jq / check >= 25),
        ("check --format json throughput >= 2.5x the parse-only floor", f"{floor / check:.2f}x", floor / check >= 2.5),
        ("replay --format json throughput >= 20x jq 1.6", f"{jq / replay:.1f}x", jq / replay >= 20),
        ("human check throughput >= 0.5x check --format json", f"{check / human:.2f}x", check / human >= 0.5),
        ("pretty-printed bodies/s >= 0.8x the same bodies as JSON Lines",
         f"{pretty_results[pretty_rows[0][0]][0] / pretty_results[pretty_rows[1][0]][0]:.2f}x",
         pretty_results[pretty_rows[0][0]][0] / pretty_results[pretty_rows[1][0]][0] >= 0.8),
        (f"check peak memory on the {bodies:,}-body stream < 64 MB (json and human)", f"{stream_peak:.1f} MB", stream_peak < 64),
        ("check peak memory on one huge body <= 3x its size", f"{huge_peak / huge_mb:.2f}x", huge_peak <= 3 * huge_mb),
        (f"replay bytes per open incident < 200 + its key's text ({200 + key_len})", f"{per_incident:.0f} B",
         per_incident < 200 + key_len),
        ("startup of check on one small body < 2 ms", f"{start['sqibs-filter check --format json']:.2f} ms"
         f" ({start['sqibs-filter check --format json'] - start['/bin/true']:.2f} over /bin/true's"
         f" {start['/bin/true']:.2f}; jq {start['jq']:.2f})", start["sqibs-filter check --format json"] < 2),
    ]
    if f"jaq -c -f {PROGRAM}" in wall:
        jaq = wall[f"jaq -c -f {PROGRAM}"]
        reference = f"  (jaq: check --format json {jaq / check:.1f}x, replay {jaq / replay:.1f}x; no target)"
    elif jaq_version:
        reference = "  (jaq: not timed, it disagrees with sqibs-filter)"
    else:
        reference = "  (jaq: not installed)"
    print("\ntargets, ratios from this run:")
    width = max(len(name) for name, _, _ in targets)
    for name, measured, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {name:{width}}  {measured}")
    print(reference)


if __name__ == "__main__":
    main()
