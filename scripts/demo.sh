#!/usr/bin/env bash
# Runs the main job end to end on a local, embedded setup: a Docker engine, a registry with
# auth and the Dokploy stand-in, all on loopback, all stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f dist/index.js ] || npm run build
npx tsx scripts/demo.ts "$@"
