#!/usr/bin/env bash
# Provisions the system tools the test suites need, before any test runs:
#   ffmpeg, ffprobe  the video tests (npm test)
#   chromium         the browser tests (npm run test:browser)
# Installs Debian's packages where it can (root, or sudo without a password prompt); anywhere else
# it stops at once with the exact command to run, rather than letting dozens of tests fail.
# Usage: scripts/system-tools.sh [ffmpeg] [chromium]   (no argument: both)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(ffmpeg chromium)

chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
for tool in "${wanted[@]}"; do
  case "$tool" in
    ffmpeg) { command -v ffmpeg && command -v ffprobe; } >/dev/null 2>&1 || missing+=(ffmpeg) ;;
    chromium) [ -x "$chromium_path" ] || missing+=(chromium) ;;
    *) echo "system-tools: unknown tool '$tool' (known: ffmpeg, chromium)" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need ${missing[*]}, which is not installed, and this machine has no apt-get." >&2
  echo "Install ${missing[*]} with your package manager (macOS: brew install ${missing[*]})," >&2
  echo "or point CHROMIUM_PATH at a Chromium binary, then run the tests again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "The tests need ${missing[*]}, which is not installed, and installing it needs root." >&2
  echo "Run this once, then run the tests again:" >&2
  echo "  sudo sh -c '$install'" >&2
  exit 1
fi

echo "system-tools: installing Debian's ${missing[*]} (apt-get, once)" >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for tool in "${missing[@]}"; do
  case "$tool" in
    ffmpeg) ffmpeg -hide_banner -version | sed -n 1p >&2 ;;
    chromium) "$chromium_path" --version >&2 ;;
  esac
done
