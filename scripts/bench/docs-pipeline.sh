#!/usr/bin/env bash
# The hand-written pipeline Dokploy's docs give for GitHub Actions, doing the same work as one
# run of dokploy-deploy with wait off: build, tag, log in (password on stdin), push both tags,
# and ask Dokploy to redeploy. Used by the benchmark only.
#   IMAGE SHA REGISTRY REGISTRY_USER REGISTRY_PASSWORD DOKPLOY_URL DOKPLOY_API_KEY APPLICATION_ID
set -euo pipefail
docker build --network host -t "$IMAGE:$SHA" . >/dev/null
docker tag "$IMAGE:$SHA" "$IMAGE:latest"
printf '%s' "$REGISTRY_PASSWORD" | docker login "$REGISTRY" -u "$REGISTRY_USER" --password-stdin >/dev/null 2>&1
docker push "$IMAGE:$SHA" >/dev/null
docker push "$IMAGE:latest" >/dev/null
curl -fsS -X POST "$DOKPLOY_URL/api/application.redeploy" \
  -H "x-api-key: $DOKPLOY_API_KEY" -H "content-type: application/json" \
  -d "{\"applicationId\":\"$APPLICATION_ID\"}" >/dev/null
