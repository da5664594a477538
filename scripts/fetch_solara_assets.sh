#!/usr/bin/env bash
# Fill Solara's asset cache from the npm registry, for machines that cannot reach Solara's CDN
# (tests, CI, an offline classroom). A user with internet needs none of this: Solara fetches the
# same files from its CDN on first use and caches them itself.
#
# Usage: scripts/fetch_solara_assets.sh [CACHE_DIR]     (default: .cache/solara-cdn in the repo)
# Then:  export SOLARA_ASSETS_PROXY_CACHE_DIR=CACHE_DIR  (the browser tests do this themselves)
#
# Solara serves /_solara/cdn/<package>@<spec>/<file> from <cache>/<package>@<spec>/<file>, where
# <spec> is the version or range written in Solara's own templates (solara/server/templates,
# solara/widgets/vue/*.vue; mermaid and katex for solara.Markdown). These are the ones solara 1.64.x asks for.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${1:-$root/.cache/solara-cdn}"
packages=(
  "@widgetti/solara-vuetify-app@10.1.1"
  "@widgetti/vue-grid-layout@2.3.13-alpha.2"
  "font-awesome@4.5.0"
  "requirejs@2.3.6"
  "vega@5"
  "vega-lite@5"
  "vega-embed@6"
  "mermaid@10.8.0"
  "katex@0.16.9"
)
command -v npm >/dev/null || { echo "fetch_solara_assets: npm is needed (apt-get install npm)" >&2; exit 2; }
mkdir -p "$cache"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for spec in "${packages[@]}"; do
  target="$cache/$spec"
  if [ -f "$target/package.json" ]; then
    continue  # already there; npm forbids republishing a version
  fi
  tarball="$(cd "$work" && npm pack --silent "$spec" | tail -n 1)"
  mkdir -p "$work/unpacked"
  tar -xzf "$work/$tarball" -C "$work/unpacked"
  mkdir -p "$(dirname "$target")"
  rm -rf "$target.tmp" && mv "$work/unpacked/package" "$target.tmp" && mv "$target.tmp" "$target"
  rm -rf "$work/unpacked" "$work/$tarball"
  echo "cached $spec"
done
echo "solara assets in $cache"
