#!/usr/bin/env bash
# Regenerates every app icon from the one source image, icons/source.png
# (1024x1024, transparent corners): the PNG sizes, icon.ico (Windows) and
# icon.icns (macOS) that `tauri icon` makes, plus the 16, 24, 48 and 256 px
# PNGs the Linux packages install into the hicolor theme. The package test
# checks that the committed icons are exactly what this makes.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tauri icon icons/source.png --output icons
npx tauri icon icons/source.png --output icons --png 16,24,48,256
# Mobile icons: the app ships to neither Android nor iOS.
rm -rf icons/android icons/ios
