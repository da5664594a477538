#!/usr/bin/env bash
# Fill Solara's asset cache from the npm registry ahead of time (CI, or a classroom that will be
# offline). Not needed otherwise: `hta-sim dashboard` fills its cache itself on first use.
#
# Usage: scripts/fetch_solara_assets.sh [CACHE_DIR]     (default: .cache/solara-cdn in the repo)
# Then:  export SOLARA_ASSETS_PROXY_CACHE_DIR=CACHE_DIR
#
# The list of packages is hta_sim/dashboard/assets.py's (checked against solara's templates by
# tests/test_dashboard_assets.py); npm's registry setting (npm_config_registry) is honoured.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${1:-$root/.cache/solara-cdn}"
# assets.py needs only Python's standard library, so it runs before any virtual environment exists
exec "${PYTHON:-python3}" "$root/src/hta_sim/dashboard/assets.py" "$cache"
