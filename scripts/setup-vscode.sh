#!/usr/bin/env bash
# Installs what the in-browser VS Code tests need: code-server (cached outside the repo, keyed by
# version) and Debian's Chromium. Idempotent; quick when everything is there.
# Prints the code-server binary path as its last line.
set -euo pipefail

CODE_SERVER_VERSION="${CWS_CODE_SERVER_VERSION:-4.100.3}"
# @vscode/ripgrep version pinned by that code-server's npm-shrinkwrap.json, and the rg release it fetches.
RIPGREP_PKG_VERSION="1.15.11"
RIPGREP_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

cache_root="${CWS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/container-workspaces}"
prefix="$cache_root/code-server-$CODE_SERVER_VERSION"
bin="$prefix/node_modules/.bin/code-server"

log() { echo "[setup-vscode] $*" >&2; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    log "missing: $* — install them with your package manager"; return 1
  fi
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit 2>/dev/null)" ]; then
    apt-get update -qq >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

need=()
command -v chromium >/dev/null || need+=(chromium)
if [ ! -x "$bin" ]; then
  command -v rg >/dev/null || need+=(ripgrep)
  for h in krb5 x11 xkbfile libsecret-1; do
    pkg-config --exists "$h" 2>/dev/null || need+=("$( case $h in krb5) echo libkrb5-dev;; x11) echo libx11-dev;; xkbfile) echo libxkbfile-dev;; libsecret-1) echo libsecret-1-dev;; esac )")
  done
  command -v pkg-config >/dev/null || need+=(pkg-config)
fi
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt_install "${need[@]}"
fi

if [ ! -x "$bin" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $prefix (a few minutes, once)"
  # @vscode/ripgrep's postinstall downloads rg unless its cache holds the archive: seed it with the system rg.
  rg_cache="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
  if [ ! -f "$rg_cache/$RIPGREP_ASSET" ]; then
    mkdir -p "$rg_cache"
    t="$(mktemp -d)"; cp "$(command -v rg)" "$t/rg"
    tar -C "$t" -czf "$rg_cache/$RIPGREP_ASSET" rg; rm -rf "$t"
  fi
  tmp_prefix="$prefix.partial"
  rm -rf "$tmp_prefix"; mkdir -p "$tmp_prefix"
  npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund --loglevel=error \
    --prefix "$tmp_prefix" "code-server@$CODE_SERVER_VERSION" >&2
  rm -rf "$prefix"; mv "$tmp_prefix" "$prefix"
fi
[ -x "$bin" ] || { log "code-server did not install"; exit 1; }
echo "$bin"
