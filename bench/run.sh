#!/usr/bin/env bash
# The benchmark in one command: builds sqibs-filter, the parse-only floor, the load generator and its
# ceiling server, installs jq if it is missing, generates the corpora into target/bench/ (once, with
# examples/corpus), and runs bench/run.py.
# Usage: bench/run.sh [BODIES [RUNS]]   (default: 1000000 bodies, 3 runs each)
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
# The optimised `dist` profile (fat LTO), not the quicker-to-build release one: figures stay honest.
cargo build --profile dist --locked --quiet --bin sqibs-filter --example parse_floor --example corpus --example hello_server --example load
exec python3 bench/run.py "$@"
