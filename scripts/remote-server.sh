#!/usr/bin/env bash
# A Dokploy remote server for the e2e suite, on this machine and on loopback only:
#   up    starts a second Docker engine (its own data/exec roots, socket and pid file under $DOK_REMOTE_STATE)
#         in swarm mode on 127.0.0.1:$DOK_REMOTE_SWARM_PORT, with `dokploy-network` as a swarm-scoped bridge (as the
#         live Dokploy's engine has it), and an sshd of its own on $DOK_REMOTE_SSH_ADDR:$DOK_REMOTE_SSH_PORT (key auth
#         only, root, DOCKER_HOST set to that engine for every session), then registers it in the live Dokploy given by
#         DOK_REAL_URL and DOK_REAL_KEY (sshKey.create, server.create; an existing server of the same name is reused).
#         A third engine joins that swarm as a worker node, drained (see worker_up).
#         Its LAST line is `export REMOTE_DOCKER_HOST=… DOK_REMOTE_SERVER_ID=… REMOTE_WORKER_DOCKER_HOST=…`; progress
#         goes to stderr.
#   down  removes the registration (when the live Dokploy still answers), stops what up started, by pid, and deletes
#         the state, the test's SSH private key with it.
# Idempotent: up on a running server only checks it and registers it again if needed.
#
# Why it looks like this:
# - Dokploy reaches a remote server over SSH: shell commands (execAsyncRemote) and the Docker API through
#   `docker system dial-stdio` (dockerode's ssh protocol). The session's docker CLI must find the engine: sshd's
#   SetEnv gives it DOCKER_HOST, and DOCKER_CONFIG in the state, so the `docker login` of a deployment stays there.
# - A deployment on a remote server writes under /etc/dokploy (logs, compose files). sshd runs in a mount namespace
#   of its own in which /etc is an overlay whose writable layer is in the state: the host's /etc is never written.
#   (Files Dokploy would mount into a container from there are not visible to the engine: the tests use none.)
# - The server's own setup (server.setup) installs Docker, Traefik and more from the internet: it is never run.
#   Dokploy needs no more from the record than the address, port, user and key (findServerById + ssh2).
#
# Needs root, Debian's openssh-server and docker.io (scripts/setup.sh installs them), Node for the registration.
# Env knobs: DOK_REMOTE_STATE (/tmp/dok-remote) DOK_REMOTE_SSH_ADDR (127.0.0.2) DOK_REMOTE_SSH_PORT (2222)
#            DOK_REMOTE_SWARM_PORT (2390) DOK_REMOTE_WORKER_PORT (2391) DOK_REMOTE_NAME (e2e-remote: the server's and the key's name in Dokploy)
set -euo pipefail
cd "$(dirname "$0")/.."
S=${DOK_REMOTE_STATE:-/tmp/dok-remote}
ADDR=${DOK_REMOTE_SSH_ADDR:-127.0.0.2}
SSH_PORT=${DOK_REMOTE_SSH_PORT:-2222}
SWARM_PORT=${DOK_REMOTE_SWARM_PORT:-2390}
WORKER_PORT=${DOK_REMOTE_WORKER_PORT:-2391}
NAME=${DOK_REMOTE_NAME:-e2e-remote}
SOCK=unix://$S/docker.sock
log() { echo "[remote-server] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# alive PIDFILE PATTERN: the pid in the file runs and its command line contains PATTERN (guards against pid reuse)
alive() { [ -s "$1" ] && grep -qa -- "$2" "/proc/$(cat "$1")/cmdline" 2>/dev/null; }
wait_gone() { local pid=$1 n=$2; for _ in $(seq "$n"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done; return 1; }
register() { npx --no-install tsx scripts/remote-server-registration.ts "$@"; }

# start_dockerd ROOT: a Docker engine with its data, exec root, socket, pid file and log under ROOT, no bridge
# and no iptables rules of its own (unless already running); waits until it answers. Extra arguments go before it
# (a command that starts it, such as unshare).
start_dockerd() {
  local root=$1; shift
  if ! alive "$root/docker.pid" "$root/docker"; then
    log "starting dockerd on unix://$root/docker.sock"
    rm -f "$root/docker.pid"
    (setsid nohup "$@" /usr/sbin/dockerd --data-root "$root/docker" --exec-root "$root/exec" -H "unix://$root/docker.sock" \
      --pidfile "$root/docker.pid" --bridge=none --iptables=false --ip-masq=false --ip6tables=false \
      > "$root/dockerd.log" 2>&1 &)
  fi
  for _ in $(seq 120); do DOCKER_HOST=unix://$root/docker.sock docker info >/dev/null 2>&1 && return 0; sleep 0.5; done
  tail -20 "$root/dockerd.log" >&2; die "dockerd in $root did not start"
}

engine_up() {
  start_dockerd "$S"
  export DOCKER_HOST=$SOCK
  if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    log "docker swarm init on 127.0.0.1:$SWARM_PORT"
    docker swarm init --advertise-addr "127.0.0.1:$SWARM_PORT" --listen-addr "127.0.0.1:$SWARM_PORT" >/dev/null
  fi
  # No ingress overlay: it would open a vxlan socket on all interfaces.
  if docker network inspect ingress >/dev/null 2>&1 && [ -z "$(docker service ls -q)" ]; then
    echo y | docker network rm ingress >/dev/null 2>&1 || log "could not remove the ingress network (kept)"
  fi
  docker network inspect dokploy-network >/dev/null 2>&1 ||
    docker network create --scope swarm --driver bridge --attachable dokploy-network >/dev/null
  unset DOCKER_HOST
}

# A worker node of the server's swarm: a third engine, named $NAME-worker (its own UTS namespace gives the node that
# hostname), joined on 127.0.0.1:$WORKER_PORT. It shares this machine's network namespace with the manager: swarm's
# gossip port is then taken (its agent logs that and goes on), which only overlay networks need, and the server has
# none; a swarm-scoped bridge network is made on each node where a task needs it. It is left DRAINED: no task goes
# there unless a test makes it active (test/e2e/worker.test.ts does, and drains it again).
worker_up() {
  local W=$S/worker id
  mkdir -p "$W"
  start_dockerd "$W" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$NAME-worker"
  if [ "$(DOCKER_HOST=unix://$W/docker.sock docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    log "joining the worker to the server's swarm on 127.0.0.1:$WORKER_PORT"
    DOCKER_HOST=unix://$W/docker.sock docker swarm join --advertise-addr "127.0.0.1:$WORKER_PORT" \
      --listen-addr "127.0.0.1:$WORKER_PORT" --token "$(DOCKER_HOST=$SOCK docker swarm join-token -q worker)" \
      "127.0.0.1:$SWARM_PORT" >/dev/null
  fi
  id=$(DOCKER_HOST=unix://$W/docker.sock docker info --format '{{.Swarm.NodeID}}')
  DOCKER_HOST=$SOCK docker node update --availability drain "$id" >/dev/null
}

keys() {
  # The key Dokploy logs in with: RSA in PEM form, which sshKey.create accepts; never printed.
  [ -s "$S/id_rsa" ] || ssh-keygen -q -t rsa -b 3072 -m PEM -N '' -C "$NAME" -f "$S/id_rsa"
  [ -s "$S/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "$NAME-host" -f "$S/host_ed25519"
  chmod 600 "$S/id_rsa" "$S/host_ed25519"
  cp "$S/id_rsa.pub" "$S/authorized_keys"
}

sshd_up() {
  mkdir -p "$S/docker-config" "$S/etc-upper" "$S/etc-work" "$S/home"
  [ -f "$S/docker-config/config.json" ] || echo '{"auths":{}}' > "$S/docker-config/config.json"
  cat > "$S/sshd_config" <<EOF
ListenAddress $ADDR:$SSH_PORT
HostKey $S/host_ed25519
PidFile $S/sshd.pid
AuthorizedKeysFile $S/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# The state lives under /tmp, which is writable by all: sshd's path checks would refuse the key file.
StrictModes no
X11Forwarding no
AllowTcpForwarding no
# HOME of its own: a server's root has no profile of this machine's (bash reads ~/.bashrc in every SSH session,
# and a slow one there would add its time to every call Dokploy makes to the server).
SetEnv DOCKER_HOST=$SOCK DOCKER_CONFIG=$S/docker-config HOME=$S/home
EOF
  if ! alive "$S/sshd.pid" "$S/sshd_config"; then
    log "starting sshd on $ADDR:$SSH_PORT"
    rm -f "$S/sshd.pid"
    # sshd refuses to start without its privilege separation directory (the Debian package makes it at boot).
    mkdir -p /run/sshd
    unshare --mount --propagation private sh -c '
      mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/etc-upper,workdir=$1/etc-work" /etc &&
      exec /usr/sbin/sshd -f "$1/sshd_config" -E "$1/sshd.log"' sh "$S"
  fi
  local ok=""
  for _ in $(seq 40); do
    ok=$(ssh -q -i "$S/id_rsa" -p "$SSH_PORT" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
      -o ConnectTimeout=5 "root@$ADDR" "docker info --format '{{.Swarm.LocalNodeState}}'" 2>/dev/null || true)
    [ "$ok" = active ] && break
    sleep 0.25
  done
  [ "$ok" = active ] || { tail -20 "$S/sshd.log" >&2; die "no swarm manager behind ssh root@$ADDR:$SSH_PORT"; }
}

up() {
  [ "$(id -u)" = 0 ] || die "run as root (dockerd and sshd need it)"
  [ -x /usr/sbin/sshd ] || die "no /usr/sbin/sshd: install Debian's openssh-server (scripts/setup.sh does)"
  : "${DOK_REAL_URL:?the live Dokploy to register with (DOK_REAL_URL, DOK_REAL_KEY)}" "${DOK_REAL_KEY:?}"
  mkdir -p "$S" && chmod 700 "$S"
  engine_up
  worker_up
  keys
  sshd_up
  local id
  id=$(DOK_REMOTE_KEY_FILE=$S/id_rsa register up "$NAME" "$ADDR" "$SSH_PORT")
  [ -n "$id" ] || die "registration gave no server id"
  echo "$id" > "$S/server-id"
  log "ready: server $id ($NAME), ssh root@$ADDR:$SSH_PORT, engine $SOCK"
  echo "export REMOTE_DOCKER_HOST=$SOCK DOK_REMOTE_SERVER_ID=$id REMOTE_WORKER_DOCKER_HOST=unix://$S/worker/docker.sock"
}

# Sessions of our sshd (a live log's tail -f, a dial-stdio) share its mount namespace: they go with it.
stop_sshd() {
  alive "$S/sshd.pid" "$S/sshd_config" || return 0
  local pid ns p
  pid=$(cat "$S/sshd.pid")
  ns=$(readlink "/proc/$pid/ns/mnt")
  log "stopping sshd ($pid) and its sessions"
  kill -TERM "$pid"
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && kill -TERM "${p#/proc/}" 2>/dev/null
  done
  wait_gone "$pid" 20 || kill -KILL "$pid" 2>/dev/null || true
}

stop_dockerd() {
  alive "$1/docker.pid" "$1/docker" || return 0
  local pid; pid=$(cat "$1/docker.pid"); log "stopping dockerd ($pid) of $1"
  kill -TERM "$pid"; wait_gone "$pid" 60 || log "dockerd $pid did not stop within 30 s"
}

down() {
  if [ -s "$S/server-id" ] && [ -n "${DOK_REAL_URL:-}" ] && [ -n "${DOK_REAL_KEY:-}" ]; then
    register down "$(cat "$S/server-id")" "$NAME" || log "could not remove the registration (kept)"
  fi
  stop_sshd
  stop_dockerd "$S/worker"
  stop_dockerd "$S"
  # leftovers of dockerd (netns bind mounts, overlay mounts) must go before the files
  { grep -o " $S/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$S"
  log "stopped; removed $S"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
