#!/usr/bin/env bash
# The benchmark in one command: builds sqibs-filter, the parse-only floor, the load generator and its
# ceiling server, installs jq and GNU time if they are missing (and jaq if it can), generates the
# corpora into target/bench/ (once, with examples/corpus), and runs bench/run.py.
# Usage: bench/run.sh [BODIES [RUNS]]   (default: 1000000 bodies, 3 runs each)
# Prints every target of the performance issue with its ratio and PASS or FAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
# jq is the peer; GNU time measures peak memory.
if ! command -v jq >/dev/null || [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq jq time >/dev/null
  else
    echo "bench: jq and GNU time are needed (apt-get install jq time)" >&2
    exit 1
  fi
fi
# jaq, when it can be had, is timed with the same program: built once from crates.io into a folder of
# the benchmark's own under the target directory (never installed for the user); SQIBS_BENCH_JAQ=no
# skips it. Without it the run says "jaq: not installed" and goes on.
jaq_root="${CARGO_TARGET_DIR:-target}/bench/jaq"
if [ "${SQIBS_BENCH_JAQ:-yes}" != no ] && [ ! -x "$jaq_root/bin/jaq" ]; then
  echo "bench: building jaq into $jaq_root (once; SQIBS_BENCH_JAQ=no skips it)" >&2
  mkdir -p "$jaq_root"
  if ! cargo install jaq --locked --quiet --root "$jaq_root" >"$jaq_root/install.log" 2>&1; then
    echo "bench: jaq could not be built (see $jaq_root/install.log): not installed, left out" >&2
  fi
fi
# The optimised `dist` profile (fat LTO), not the quicker-to-build release one: figures stay honest.
cargo build --profile dist --locked --quiet --bin sqibs-filter --example parse_floor --example corpus --example hello_server --example load
exec python3 bench/run.py "$@"
