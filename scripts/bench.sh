#!/usr/bin/env bash
# Prints the benchmark figures quoted in the README:
# coordinator election throughput, then failover and event latency of the
# real app (release build) under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ -z "${AXOLOP_TEST_SESSION:-}" ]; then
  bash scripts/setup.sh
  export AXOLOP_TEST_SESSION=1
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" bash "$0" "$@"
fi
export NO_AT_BRIDGE=1

cargo bench -p axolop-coordinator --bench election
# The latency benchmark drives the bench-only `bench_republish` command.
cargo build --release --features bench --bin axolop-desktop
cargo bench -p axolop-e2e --bench latency
