#!/usr/bin/env bash
# Builds and runs Axolop CRM Desktop on the embedded local default (no
# Supabase configured). Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display; start one (e.g. 'xvfb-run -a bash scripts/run.sh') or run from a desktop session" >&2
  exit 1
fi
exec cargo run --release --bin axolop-desktop -- "$@"
