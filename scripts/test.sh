#!/usr/bin/env bash
# Runs every test of Axolop CRM Desktop: UI type check, formatting, the
# coordinator's unit, integration and randomised tests, the mock-runtime IPC
# tests, and the end-to-end tests on real windows.
#
#   bash scripts/test.sh          everything
#   bash scripts/test.sh --e2e    only the end-to-end tests
#
# It installs what is missing (scripts/setup.sh), then runs inside a fresh
# D-Bus session with an unlocked gnome-keyring and an Xvfb display.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

if [ -z "${AXOLOP_TEST_SESSION:-}" ]; then
  bash scripts/setup.sh
  export AXOLOP_TEST_SESSION=1
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1600x1000x24" bash "$0" "$@"
fi

# Inside the session: a real, unlocked Secret Service for the keyring tests.
eval "$(echo -n axolop-test | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
# Accessibility bus activation only adds noise under Xvfb.
export NO_AT_BRIDGE=1

if [ "${1:-}" = "--e2e" ]; then
  # The end-to-end tests drive the debug binary that the app's tests build.
  cargo test -p axolop-desktop --no-run
  cargo test -p axolop-e2e
  exit 0
fi

npm run --silent typecheck
cargo fmt --all -- --check
cargo test --workspace
