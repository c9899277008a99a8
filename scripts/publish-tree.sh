#!/usr/bin/env bash
# Publishes a release tree (the GitLab CI/CD Catalog project, or the Bitbucket pipe repository)
# to its Git remote: one commit with the tree's files on the remote's default branch, tagged
# with the release's version. A tag that already exists there is never moved.
#
#   PUBLISH_USER=<user> PUBLISH_TOKEN=<token> scripts/publish-tree.sh <tree dir> <https remote> <tag>
#
# The token reaches git through a credential helper that reads it from the environment: it is
# never in an argv, a URL, or a file.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: PUBLISH_USER=<user> PUBLISH_TOKEN=<token> $0 <tree dir> <https remote> <tag>" >&2
  exit 2
fi
tree=$(cd "$1" && pwd)
remote=$2
tag=$3
: "${PUBLISH_TOKEN:?PUBLISH_TOKEN must hold a token that may push to the remote}"
export PUBLISH_USER=${PUBLISH_USER:-oauth2}

# shellcheck disable=SC2016 # expanded by the helper's shell, from the environment
helper='!f() { test "$1" = get || exit 0; echo "username=${PUBLISH_USER}"; echo "password=${PUBLISH_TOKEN}"; }; f'
git_() {
  git -c credential.helper= -c credential.helper="$helper" -c user.name=dokploy-deploy \
    -c user.email=release@dokploy-deploy.invalid "$@"
}

if git_ ls-remote --exit-code --tags "$remote" "refs/tags/$tag" >/dev/null; then
  echo "$remote already has the tag $tag; a release is never published twice" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git_ clone --quiet --depth 1 "$remote" "$work/repo" 2>/dev/null
branch=$(git -C "$work/repo" symbolic-ref --short HEAD)
find "$work/repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "$tree/." "$work/repo/"
git_ -C "$work/repo" add -A
git_ -C "$work/repo" commit --quiet --allow-empty -m "Release $tag"
git_ -C "$work/repo" tag -a "$tag" -m "Release $tag"
git_ -C "$work/repo" push --quiet origin "HEAD:refs/heads/$branch" "refs/tags/$tag"
echo "published $tag to $remote ($branch)"
