#!/usr/bin/env bash
# Prints every figure of the README's benchmark table (its last column
# names the bench): coordinator election and lock throughput, a first sync
# of 10,000 contacts through the sync exchange, the installed
# app's sizes, start-up and memory, then in the real app (release build)
# under Xvfb failover, event and lock round-trip latency, the session's
# refreshes and sign-in spread, the CRM's agency switch, list and scrolling,
# window health, and sync between two computers; then the browser approach
# the app replaces (tests/peer), and the two side by side with ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
# The peer benchmark runs the distribution's Chromium (nothing downloads one).
if ! command -v chromium >/dev/null; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends chromium
fi
source scripts/session.sh "$0" "$@"

# Everything printed also goes to one log, which the table reads.
mkdir -p target/bench
log=target/bench/bench.log
: > "$log"
exec > >(tee -a "$log") 2>&1

cargo bench -p axolop-coordinator --bench election
cargo bench -p axolop-coordinator --bench locks
# A first sync of 10,000 contacts by one exchange (PostgreSQL, the gateway).
cargo bench -p axolop-sync --bench first_sync
# What users install: sizes, start-up and memory of the app from the .deb.
# First, because the bench build below replaces target/release's binary.
npx tauri build --bundles deb,rpm
cargo bench -p axolop-e2e --bench package
# The latency and CRM benchmarks drive the bench-only `bench_republish` and
# `bench_seed_contacts` commands.
cargo build --release --features bench --bin axolop-desktop
cargo bench -p axolop-e2e --bench latency
cargo bench -p axolop-e2e --bench locks
cargo bench -p axolop-e2e --bench session
cargo bench -p axolop-e2e --bench crm
cargo bench -p axolop-e2e --bench health
# Two computers sharing a Supabase project (PostgreSQL, the gateway).
cargo bench -p axolop-e2e --bench sync
# The browser approach, in the same run.
node tests/peer/peer.mjs
node scripts/bench-table.mjs "$log"
