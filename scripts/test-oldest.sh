#!/usr/bin/env bash
# The e2e suite's named subset against the oldest Dokploy release the step supports (OLDEST_SUPPORTED in
# src/dokploy/version.ts), brought up from ../shared/dokploy (a live Dokploy for tests) beside the
# repository with a state and ports of its own, and stopped at the end, also on failure (its state and
# node_modules stay for the next run). .ci/run runs it after the main pass; it fails when a named file ran
# no test. Prints the bring-up time and the subset's counts and time. Run `npm run build` first: the e2e
# tests run dist/.
# Env knobs: TEST_REPORT (where vitest's JSON report goes; default a temporary file), OLDEST_DOK_STATE
# (/tmp/dok-oldest), OLDEST_DOK_PORT (3310), OLDEST_DOK_PG_PORT (5435), OLDEST_DOK_SWARM_PORT (2378).
set -euo pipefail
cd "$(dirname "$0")/.."
since() { echo $(($(date +%s) - $1)); }

# What they cover on that release: build, push, point, deploy, follow with the live log, verify, a re-run,
# OpenAPI, and the deployment log read without deployment.readLogs (deploy); the refusals before any change,
# a red deployment's log tail and a rollback (failures); a compose stack pointed through compose.update and
# rolled back (compose); swarm pausing a failed update where newer releases roll it back (what-runs); a
# deployment queued behind others in the BullMQ queue (concurrency).
FILES=(
  test/e2e/deploy.test.ts
  test/e2e/failures.test.ts
  test/e2e/compose.test.ts
  test/e2e/what-runs.test.ts
  test/e2e/concurrency.test.ts
)

live=../shared/dokploy
[ -d "$live" ] || { echo "no $live: no Dokploy to test against" >&2; exit 1; }
version=$(sed -n 's/^export const OLDEST_SUPPORTED = "\(v[0-9.]*\)";$/\1/p' src/dokploy/version.ts)
[ -n "$version" ] || { echo "no OLDEST_SUPPORTED in src/dokploy/version.ts" >&2; exit 1; }
export DOK_VERSION=$version DOK_STATE=${OLDEST_DOK_STATE:-/tmp/dok-oldest} DOK_PORT=${OLDEST_DOK_PORT:-3310} \
  DOK_PG_PORT=${OLDEST_DOK_PG_PORT:-5435} DOK_SWARM_PORT=${OLDEST_DOK_SWARM_PORT:-2378}

# The main pass's remote server and settings are not this server's.
unset REMOTE_DOCKER_HOST DOK_REMOTE_SERVER_ID REMOTE_WORKER_DOCKER_HOST DOK_DOCKER_CONFIG

report=${TEST_REPORT:-}
own_report=""
if [ -z "$report" ]; then
  report=$(mktemp /tmp/test-report-oldest-XXXXXX.json)
  own_report=$report
fi
stop() { bash "$live/down.sh" || echo "stopping Dokploy $version failed" >&2; }
trap 'stop; [ -z "$own_report" ] || rm -f "$own_report"' EXIT

t=$(date +%s)
# (Assigned first: a failing up.sh stops here, which `eval "$(…)"` would not.)
exports=$(bash "$live/up.sh" | tail -1)
eval "$exports"
: "${DOK_REAL_URL:?up.sh printed no DOK_REAL_URL}" "${DOK_ENVIRONMENT_ID:?up.sh printed no DOK_ENVIRONMENT_ID}"
bringup=$(since "$t")
echo "Dokploy $version: up in ${bringup} s"

t=$(date +%s)
TEST_REPORT=$report npx vitest run --project e2e "${FILES[@]}"
echo "e2e on Dokploy $version (${#FILES[@]} files) in $(since "$t") s:"
npx tsx scripts/check-e2e-report.ts "$report" "${FILES[@]}"
t=$(date +%s)
stop
trap '[ -z "$own_report" ] || rm -f "$own_report"' EXIT
echo "Dokploy $version: up in ${bringup} s, down in $(since "$t") s"
