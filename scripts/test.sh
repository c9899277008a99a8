#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs what is missing, then lint,
# typecheck and every test (unit, and integration against a real engine and registry that the
# suite starts and stops itself; e2e against a live Dokploy when DOK_REAL_URL and the rest are
# set, see CONTRIBUTING.md, else skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run lint
npm run typecheck
npm test
