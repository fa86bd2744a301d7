#!/usr/bin/env bash
# The app's version has one source: `version` under [workspace.package] in
# Cargo.toml. tauri.conf.json has none, so the bundler takes Cargo's;
# package.json follows it for tidiness.
#
#   bash scripts/version.sh               prints the version
#   bash scripts/version.sh set 0.2.0     sets it everywhere
#   bash scripts/version.sh check v0.2.0  fails unless the tag names it
set -euo pipefail
cd "$(dirname "$0")/.."

current() {
  sed -n '/^\[workspace.package\]/,/^\[/ s/^version = "\(.*\)"$/\1/p' Cargo.toml
}

case "${1:-}" in
  "")
    current
    ;;
  set)
    version="${2:?usage: scripts/version.sh set X.Y.Z}"
    # What the Windows MSI (WiX) can carry: X at most 255, Y at most 255,
    # Z at most 65535, and a pre-release only as a number up to 65535.
    if ! [[ "$version" =~ ^(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,4})(-(0|[1-9][0-9]{0,4}))?$ ]] ||
      [ "${BASH_REMATCH[1]}" -gt 255 ] || [ "${BASH_REMATCH[2]}" -gt 255 ] ||
      [ "${BASH_REMATCH[3]}" -gt 65535 ] || [ "${BASH_REMATCH[5]:-0}" -gt 65535 ]; then
      echo "version: '$version' is not X.Y.Z or X.Y.Z-N as the Windows MSI needs it" \
        "(X and Y at most 255, Z and N at most 65535)" >&2
      exit 2
    fi
    sed -i '/^\[workspace.package\]/,/^\[/ s/^version = ".*"$/version = "'"$version"'"/' Cargo.toml
    npm version --no-git-tag-version --allow-same-version "$version" >/dev/null
    # Cargo.lock records the workspace's own crates at their version.
    cargo metadata --format-version 1 >/dev/null
    echo "version: $(current)"
    ;;
  check)
    tag="${2:?usage: scripts/version.sh check vX.Y.Z}"
    if [ "$tag" != "v$(current)" ]; then
      echo "version: tag $tag does not match the app version $(current) (Cargo.toml); tag v$(current), or run 'scripts/version.sh set' first" >&2
      exit 1
    fi
    package_json=$(node -p 'require("./package.json").version')
    if [ "$package_json" != "$(current)" ]; then
      echo "version: package.json says $package_json, Cargo.toml $(current); run 'scripts/version.sh set $(current)'" >&2
      exit 1
    fi
    echo "version: $tag matches"
    ;;
  *)
    echo "usage: scripts/version.sh [set X.Y.Z | check vX.Y.Z]" >&2
    exit 2
    ;;
esac
