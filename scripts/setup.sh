#!/usr/bin/env bash
# Installs what building, running and testing Axolop CRM Desktop needs on a
# Debian/Ubuntu machine: system libraries, the test display and keyring,
# tauri-driver, and the npm tools. Safe to run again: it installs only what is
# missing.
set -euo pipefail
cd "$(dirname "$0")/.."

TAURI_DRIVER_VERSION=2.1.0
PACKAGES=(
  # Building the app (Tauri 2 on WebKitGTK 4.1)
  build-essential pkg-config file libwebkit2gtk-4.1-dev libsoup-3.0-dev librsvg2-dev
  libayatana-appindicator3-dev libssl-dev libxdo-dev
  # The OS keyring on Linux: the `keyring` crate talks to the Secret Service
  # through libdbus
  libdbus-1-dev
  # Testing real windows: WebKitWebDriver, a virtual display, a D-Bus session,
  # a Secret Service, a real keyboard (xdotool) and screenshots (imagemagick)
  webkit2gtk-driver xvfb xauth dbus-x11 gnome-keyring libsecret-tools xdotool imagemagick
  # Checking the Linux packages: reading the .rpm, validating the desktop entry;
  # running the release workflow's update-manifest step (jq)
  rpm desktop-file-utils jq
  # A real PostgreSQL for the Supabase schema's tests (tests/postgres starts
  # its own throwaway clusters; the package's own service is not used)
  postgresql
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for package in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  if [ "$status" != "install ok installed" ]; then
    missing+=("$package")
  fi
done
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing; install it from https://rustup.rs (rustup), then run this again" >&2
  exit 1
fi

export PATH="$HOME/.cargo/bin:$PATH"
installed=$(cargo install --list)
if [[ "$installed" != *"tauri-driver v$TAURI_DRIVER_VERSION:"* ]]; then
  echo "setup: installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi

if [ ! -x node_modules/.bin/tauri ] || [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
# The page imports lit-html from ui/vendor (there is no bundler). npm ci
# copies it there (package.json's postinstall); this also catches a
# node_modules changed some other way. It writes only files that differ,
# so Cargo does not rebuild the app for an unchanged copy.
node scripts/vendor-ui.mjs
