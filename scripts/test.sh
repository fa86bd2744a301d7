#!/usr/bin/env bash
# Runs every test of Axolop CRM Desktop: UI type check and store tests, formatting, the
# coordinator's unit, integration and randomised tests, the mock-runtime IPC
# tests, the end-to-end tests on real windows, and the tests of the Linux
# packages (built here from a release build).
#
#   bash scripts/test.sh          everything
#   bash scripts/test.sh --e2e    only the end-to-end tests
#
# It installs what is missing (scripts/setup.sh), then runs inside a fresh
# D-Bus session with an unlocked gnome-keyring and an Xvfb display.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/session.sh "$0" "$@"

# The package tests read the .deb and .rpm made from a release build.
build_packages() {
  npx tauri build --bundles deb,rpm
}

if [ "${1:-}" = "--e2e" ]; then
  # The end-to-end tests drive the debug binary that the app's tests build.
  cargo test -p axolop-desktop --no-run
  build_packages
  cargo test -p axolop-e2e
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
npm run --silent typecheck
node --test ui/tests/*.test.js 2>&1 | tee -a "$log"
cargo fmt --all -- --check
build_packages
cargo test --workspace 2>&1 | tee -a "$log"

# One closing line over every runner: cargo's "test result:" lines and
# Node's "# pass" / "# fail" lines.
awk '
  /^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  /^# pass / { p += $3 }
  /^# fail / { f += $3 }
  END { printf "total: %d passed, %d failed\n", p, f }
' "$log"
