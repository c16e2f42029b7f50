#!/usr/bin/env bash
# The README's test command: install everything the tests need, then lint and run them all.
# Python packages from requirements*.txt and this package itself (pip install -e .);
# Debian's Chromium (browser tests), nginx (replicas behind a proxy) and PostgreSQL (the class
# board) when missing and apt-get can be used; otherwise the tests that need them skip.
#
#   bash scripts/test.sh            every tier: unit, app (AppTest, servers) and browser (Chromium)
#   bash scripts/test.sh --quick    all but the browser tier (tests/conftest.py sets the tiers)
#   bash scripts/test.sh --slow     every tier, with many Hypothesis examples per property
# Other arguments go to pytest as they are, in one process (e.g. -k name, -m unit).
# Without them, tests run in two processes (NNLIB_TEST_PROCESSES): a file whole in one, or, for a
# file marked `spread`, test by test in whichever is free; then the `serial` tests (a crowd's
# answer times, a CPU quota) alone.
set -euo pipefail
unset PYTHONDONTWRITEBYTECODE # every worker and server it starts compiles nnlib once, not each time
cd "$(dirname "$0")/.."
missing=()
command -v chromium > /dev/null || missing+=(chromium fonts-noto-color-emoji fonts-noto-cjk)
command -v nginx > /dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ] && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" > /dev/null
fi
installed() { # every pinned version installed, and this folder editable since pyproject.toml last changed
  python - "$@" << 'EOF'
import importlib.metadata as metadata, json, pathlib, site, sys

def pinned(line):
    name, equals, version = line.split("#")[0].strip().partition("==")
    try:
        return not name or (equals and metadata.version(name) == version.strip())
    except metadata.PackageNotFoundError:
        return False

def this_folder_editable():
    found = list(metadata.distributions(name="nnlib", path=site.getsitepackages()))
    info = getattr(found[0], "_path", None) if len(found) == 1 else None  # the .dist-info folder
    if info is None or not found[0].read_text("direct_url.json"):
        return False
    url = json.loads(found[0].read_text("direct_url.json")).get("url")
    since = pathlib.Path(info).stat().st_mtime >= pathlib.Path("pyproject.toml").stat().st_mtime
    return url == pathlib.Path.cwd().as_uri() and since

lines = [line for name in sys.argv[1:] for line in pathlib.Path(name).read_text().splitlines()]
sys.exit(0 if all(map(pinned, lines)) and this_folder_editable() else 1)
EOF
}
if ! installed requirements.txt requirements-dev.txt; then # pip takes seconds even when all is there
  python -m pip install -q -r requirements.txt -r requirements-dev.txt
  python -m pip install -q --no-deps -e .
fi
python -m ruff check .
python -m ruff format --check .
tiers="" slow=() chosen=()
for arg in "$@"; do
  case "$arg" in
    --quick) tiers=" and not browser" ;;
    --slow) slow=(--slow) ;;
    *) chosen+=("$arg") ;;
  esac
done
if [ ${#chosen[@]} -gt 0 ]; then
  if [ -n "$tiers" ]; then chosen=(-m "not browser" "${chosen[@]}"); fi
  exec python -m pytest -q "${slow[@]}" "${chosen[@]}"
fi
none_selected=5 # pytest's exit code when no test matched
together=0 alone=0
python -m pytest -q --durations=15 -n "${NNLIB_TEST_PROCESSES:-2}" --dist loadgroup -m "not serial$tiers" "${slow[@]}" || together=$?
serial_files=$(grep -l "mark\.serial" tests/test_*.py || true) # tests/conftest.py refuses a serial test elsewhere
if [ -n "$serial_files" ]; then
  # shellcheck disable=SC2086 # one word per file
  python -m pytest -q --durations=5 -m "serial$tiers" "${slow[@]}" $serial_files || alone=$?
fi
[ $alone = $none_selected ] && alone=0
exit $((together || alone))
