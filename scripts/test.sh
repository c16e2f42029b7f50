#!/usr/bin/env bash
# The README's test command: install everything the tests need, then run them all.
# Python packages from requirements*.txt; Debian's Chromium for the end-to-end
# tests (installed when missing and apt-get can be used; otherwise those tests skip).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium > /dev/null && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-color-emoji fonts-noto-cjk > /dev/null
fi
python -m pip install -q -r requirements.txt -r requirements-dev.txt
python -m pytest -q "$@"
