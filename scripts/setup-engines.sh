#!/usr/bin/env bash
# Real-engine test bed. On Debian (root, apt) it installs and starts dockerd and Podman (with its
# Docker-compatible socket) and imports the busybox and Debian (mmdebstrap) test images into both,
# with no registry.
# Elsewhere (e.g. a laptop with Docker Desktop) it only checks what is there.
# Idempotent and quick when everything is up. Prints one `engine=state` line per engine at the end
# (state: ok | unavailable); exits 0 either way — callers decide whether a missing engine is fatal.
set -uo pipefail

TEST_IMAGE="${CWS_TEST_IMAGE:-localhost/cws-test/busybox:latest}"
DOCKER_SOCK="/var/run/docker.sock"
PODMAN_SOCK="/run/podman/podman.sock"
LOG_DIR="${CWS_ENGINE_LOG_DIR:-/tmp/cws-engines}"
mkdir -p "$LOG_DIR"
# Absolute: the daemons are started from / (start_daemon) and write their logs here.
LOG_DIR="$(cd "$LOG_DIR" && pwd)"

log() { echo "[setup-engines] $*" >&2; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && [ "$(uname -s)" = Linux ]; }
apt_updated=0
apt_install() {
  can_apt || return 1
  if [ $apt_updated = 0 ]; then apt-get update -qq >&2 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
# GET /_ping on a unix socket, with Node (always there) rather than curl.
ping_sock() {
  node -e '
    const req = require("http").get({ socketPath: process.argv[1], path: "/_ping", timeout: 2000 },
      (res) => process.exit(res.statusCode === 200 ? 0 : 1));
    req.on("error", () => process.exit(1)); req.on("timeout", () => { req.destroy(); process.exit(1); });
  ' "$1" 2>/dev/null
}
wait_sock() { # socket, seconds
  local i; for ((i = 0; i < $2 * 4; i++)); do ping_sock "$1" && return 0; sleep 0.25; done; return 1
}
busybox_rootfs_tar() { # writes a tarball of a minimal busybox root to $1
  local bb; bb="$(command -v busybox || true)"
  if [ -z "$bb" ] || ! file_is_static "$bb"; then apt_install busybox-static || return 1; bb=/bin/busybox; fi
  local root; root="$(mktemp -d)"; mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp "$bb" "$root/bin/busybox"
  for c in sh ash ls echo cat sleep env ps top wc id uname head tail grep sed mkdir rm touch true false yes date hostname dd; do
    ln -s busybox "$root/bin/$c"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  tar -C "$root" -cf "$1" . && rm -rf "$root"
}
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
# Daemons are started from / : started from the checkout, they keep it as their working directory,
# and once it is removed (a fresh clone per run, scripts/soak.sh) Podman's conmon fails every
# container start ("Failed to get working directory", then "exit status 1").
start_daemon() { # log file, command...
  local out="$1"; shift
  # exec: no shell is left holding this script's stdout (a caller reading it to its end, as npm test
  # does, would wait for as long as the daemon runs).
  (cd / && exec setsid nohup "$@" >"$out" 2>&1 < /dev/null) &
}
# Whether a process's working directory is gone (Linux /proc; elsewhere never).
cwd_deleted() { [[ "$(readlink "/proc/$1/cwd" 2>/dev/null)" == *" (deleted)" ]]; }

image_tar=""
ensure_tar() {
  [ -n "$image_tar" ] && return 0
  image_tar="$LOG_DIR/busybox-rootfs.tar"
  busybox_rootfs_tar "$image_tar"
}

# ---- Docker ----
docker_state=unavailable
if ping_sock "$DOCKER_SOCK" || { [ -n "${DOCKER_HOST:-}" ] && docker version >/dev/null 2>&1; }; then
  docker_state=ok
elif can_apt; then
  command -v dockerd >/dev/null || { log "installing docker.io"; apt_install docker.io busybox-static; }
  if command -v dockerd >/dev/null; then
    # A dockerd that died leaves its pid file behind and refuses to start again.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then rm -f /var/run/docker.pid; fi
    # Another dockerd (e.g. a private one on another socket) does not count: ours has /var/run/docker.pid.
    if [ ! -f /var/run/docker.pid ]; then
      log "starting dockerd (log: $LOG_DIR/dockerd.log)"
      start_daemon "$LOG_DIR/dockerd.log" /usr/sbin/dockerd --host "unix://$DOCKER_SOCK"
    fi
    wait_sock "$DOCKER_SOCK" 30 && docker_state=ok || log "dockerd did not answer; see $LOG_DIR/dockerd.log"
  fi
fi
if [ $docker_state = ok ] && command -v docker >/dev/null; then
  if ! docker image inspect "$TEST_IMAGE" >/dev/null 2>&1; then
    log "importing $TEST_IMAGE into Docker"
    ensure_tar && docker import "$image_tar" "$TEST_IMAGE" >/dev/null || { log "could not import the test image into Docker"; docker_state=unavailable; }
  fi
fi

# ---- Podman (Docker-compatible socket) ----
podman_state=unavailable
# A service of ours whose working directory was removed answers pings but starts no container.
for pid in $(pgrep -f "podman system service .*unix://$PODMAN_SOCK" || true); do
  if cwd_deleted "$pid"; then
    log "restarting podman system service (its working directory was removed)"
    kill "$pid" 2>/dev/null
    for ((i = 0; i < 40; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
done
if ping_sock "$PODMAN_SOCK"; then
  podman_state=ok
elif can_apt; then
  command -v podman >/dev/null || { log "installing podman"; apt_install podman; }
  if command -v podman >/dev/null; then
    # Podman's default ulimits exceed this VM's hard limit (runc: "error setting rlimit type 7").
    conf=/etc/containers/containers.conf
    if ! grep -qs default_ulimits "$conf"; then
      mkdir -p /etc/containers
      printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n' >> "$conf"
    fi
    mkdir -p "$(dirname "$PODMAN_SOCK")"
    log "starting podman system service (log: $LOG_DIR/podman.log)"
    start_daemon "$LOG_DIR/podman.log" podman system service --time=0 "unix://$PODMAN_SOCK"
    wait_sock "$PODMAN_SOCK" 30 && podman_state=ok || log "podman service did not answer; see $LOG_DIR/podman.log"
  fi
fi
# Podman's --init (a dev container's "init": true) runs catatonit, a package of its own on Debian.
if [ $podman_state = ok ] && [ ! -x /usr/libexec/podman/catatonit ] && can_apt; then
  log "installing catatonit (Podman's init)"; apt_install catatonit || log "could not install catatonit"
fi
if [ $podman_state = ok ] && command -v podman >/dev/null; then
  if ! podman image exists "$TEST_IMAGE" 2>/dev/null; then
    log "importing $TEST_IMAGE into Podman"
    ensure_tar && podman import "$image_tar" "$TEST_IMAGE" >/dev/null || { log "could not import the test image into Podman"; podman_state=unavailable; }
  fi
fi

# ---- Debian test image (no registry): bash, apt, git, ssh and gpg inside (Features' install.sh, forwarding) ----
# mmdebstrap builds the root filesystem from Debian's archive once (~2 min, ~240 MB); the tarball is
# cached outside the repo, keyed by what goes into it, and imported into each engine that lacks it.
DEBIAN_IMAGE="${CWS_DEBIAN_IMAGE:-localhost/cws-test/debian:bookworm}"
DEBIAN_INCLUDE="bash,ca-certificates,git,gpg,openssh-client"
# As Debian's published image does, the image sets PATH (an imported root filesystem has no ENV).
DEBIAN_PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
debian_key="$(printf 'minbase bookworm %s' "$DEBIAN_INCLUDE" | sha256sum | cut -c1-12)"
debian_image_key="$(printf '%s ENV PATH=%s' "$debian_key" "$DEBIAN_PATH" | sha256sum | cut -c1-12)"
debian_cache="${CWS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/container-workspaces}/debian"
debian_tar="$debian_cache/debian-bookworm-$debian_key.tar"
# The image carries the key as a label: an image built from another package list is imported again.
DEBIAN_KEY_LABEL="cws-test.debian-key"
debian_image_current() { # engine
  [ "$("$1" image inspect --format "{{index .Config.Labels \"$DEBIAN_KEY_LABEL\"}}" "$DEBIAN_IMAGE" 2>/dev/null)" = "$debian_image_key" ]
}
ensure_debian_tar() {
  [ -s "$debian_tar" ] && return 0
  if ! command -v mmdebstrap >/dev/null; then
    can_apt && log "installing mmdebstrap" && apt_install mmdebstrap
    command -v mmdebstrap >/dev/null || { log "mmdebstrap is not installed (Debian: apt-get install mmdebstrap, as root)"; return 1; }
  fi
  mkdir -p "$debian_cache" || return 1
  # mmdebstrap picks the output format from the name's extension: keep .tar on the temporary name.
  local partial="$debian_cache/debian-bookworm-$debian_key.partial.tar"
  rm -f "$partial"
  log "building $DEBIAN_IMAGE with mmdebstrap into $debian_tar (a few minutes, once; log: $LOG_DIR/mmdebstrap.log)"
  if ! (cd / && mmdebstrap --variant=minbase --format=tar --include="$DEBIAN_INCLUDE" bookworm "$partial") >"$LOG_DIR/mmdebstrap.log" 2>&1; then
    log "mmdebstrap failed; see $LOG_DIR/mmdebstrap.log"; rm -f "$partial"; return 1
  fi
  mv "$partial" "$debian_tar"
}
debian_state=unavailable
debian_engines=0; debian_imported=0
for engine in docker podman; do
  state_var="${engine}_state"
  [ "${!state_var}" = ok ] && command -v "$engine" >/dev/null || continue
  debian_engines=$((debian_engines + 1))
  if debian_image_current "$engine"; then debian_imported=$((debian_imported + 1)); continue; fi
  if ! ensure_debian_tar; then
    log "could not build the Debian image with mmdebstrap; tests that need $DEBIAN_IMAGE cannot run"
    break
  fi
  log "importing $DEBIAN_IMAGE into $engine"
  if "$engine" import --change "LABEL $DEBIAN_KEY_LABEL=$debian_image_key" --change "ENV PATH=$DEBIAN_PATH" "$debian_tar" "$DEBIAN_IMAGE" >/dev/null && debian_image_current "$engine"; then
    debian_imported=$((debian_imported + 1))
  else
    log "could not import $DEBIAN_IMAGE into $engine"
  fi
done
[ $debian_engines -gt 0 ] && [ $debian_imported = $debian_engines ] && debian_state=ok
# Said on stderr (stdout has one line per engine; tests that need the image check for it themselves).
log "debian image ($DEBIAN_IMAGE): $debian_state"

# ---- OpenSSH, for test/engine/sshEndpoint.test.ts (it starts its own sshd on loopback) ----
if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null || ! command -v ssh-agent >/dev/null \
    || ! command -v ssh-add >/dev/null || ! command -v ssh-keyscan >/dev/null; then
  if can_apt; then
    log "installing openssh-server openssh-client (for the ssh:// endpoint test)"
    # The test needs the binaries only: keep the package from starting the system's sshd on port 22.
    policy=/usr/sbin/policy-rc.d; own_policy=0
    if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=1; fi
    apt_install openssh-server openssh-client || log "could not install OpenSSH; the ssh:// endpoint test cannot run"
    if [ $own_policy = 1 ]; then rm -f "$policy"; fi
  fi
fi

# ---- GnuPG and git on this machine, for test/engine/forwarding.test.ts (a throw-away key signs through
# the forwarded gpg-agent; git http-backend serves the test repository) ----
if ! command -v gpg >/dev/null || ! command -v gpg-agent >/dev/null || ! command -v gpgconf >/dev/null \
    || ! command -v git >/dev/null; then
  if can_apt; then
    log "installing gnupg and git (for the forwarding test)"
    apt_install gnupg gpg-agent git || log "could not install gnupg / git; the forwarding test cannot run"
  fi
fi

# Debian's docker-compose (v1): the oracle the Compose detection tests compare with (`config` needs no engine).
if ! command -v docker-compose >/dev/null && can_apt; then
  log "installing docker-compose (v1)"
  apt_install docker-compose || log "could not install docker-compose"
fi

# Debian's docker-registry (distribution 2.8) and htpasswd: the loopback OCI registry of the registry tests (test/support/registry.ts).
if { ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; } && can_apt; then log "installing docker-registry apache2-utils"; apt_install docker-registry apache2-utils || log "could not install docker-registry"; fi
echo "docker=$docker_state"
echo "podman=$podman_state"
