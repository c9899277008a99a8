#!/usr/bin/env bash
# The same work as one run of dokploy-deploy with buildx (docker driver) and wait off, by hand:
# log in (password on stdin), `docker buildx build --push` of both tags, then the two Dokploy
# calls: point the application at the image, redeploy. Used by the benchmark only.
#   IMAGE SHA REGISTRY REGISTRY_USER REGISTRY_PASSWORD DOKPLOY_URL DOKPLOY_API_KEY APPLICATION_ID
set -euo pipefail
printf '%s' "$REGISTRY_PASSWORD" | docker login "$REGISTRY" -u "$REGISTRY_USER" --password-stdin >/dev/null 2>&1
docker buildx build --network host --push -t "$IMAGE:$SHA" -t "$IMAGE:latest" . >/dev/null 2>&1
# The bodies go on stdin: the pull password stays out of curl's argv.
printf '{"applicationId":"%s","dockerImage":"%s:%s","username":"%s","password":"%s","registryUrl":"%s"}' \
  "$APPLICATION_ID" "$IMAGE" "$SHA" "$REGISTRY_USER" "$REGISTRY_PASSWORD" "$REGISTRY" |
  curl -fsS -X POST "$DOKPLOY_URL/api/application.saveDockerProvider" \
    -H "x-api-key: $DOKPLOY_API_KEY" -H "content-type: application/json" --data-binary @- >/dev/null
printf '{"applicationId":"%s"}' "$APPLICATION_ID" |
  curl -fsS -X POST "$DOKPLOY_URL/api/application.redeploy" \
    -H "x-api-key: $DOKPLOY_API_KEY" -H "content-type: application/json" --data-binary @- >/dev/null
