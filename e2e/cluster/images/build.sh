#!/usr/bin/env bash
# Builds the real node's images that Maven does not build, as tars for
# `ctr -n k8s.io image import --all-platforms <tar>` (see lib.sh for the tar format):
#
#   llmfleet.local/pause:1.0              pause.c, static; the sandbox (pinned) image
#   llmfleet.local/llama-server:0.3.36    llama-server.sh's binary and the host libraries it links
#
# into ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/image-<name>-<tag>_<hash>/<name>.tar, the hash
# covering everything the image is made of (sources, the binary, the host libraries, lib.sh, umoci,
# BUILD_REV), so a change builds into a fresh directory. Only missing images are built.
# The operator image is Jib's (`./mvnw -pl operator -am package`, operator/target/jib-image.tar).
#
#   build.sh [pause|llama-server]...     (default: both)
#
# stdout: one line per image, "<image-ref> <path-to-tar>". Logs go to stderr.
# The first run builds llama-server (20-40 minutes); after that a few seconds.
set -euo pipefail

# Bump when the way the images are assembled changes.
BUILD_REV=1
PAUSE_REF=llmfleet.local/pause:1.0
LLAMA_REF=llmfleet.local/llama-server:0.3.36

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}"

log() { printf '[images] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=lib.sh
source "$HERE/lib.sh"

WANT=("$@")
((${#WANT[@]})) || WANT=(pause llama-server)
for w in "${WANT[@]}"; do [[ "$w" == pause || "$w" == llama-server ]] || die "unknown image '$w' (pause, llama-server)"; done
wanted() { [[ " ${WANT[*]} " == *" $1 "* ]]; }

for t in jq tar gcc ldd flock sha256sum; do command -v "$t" >/dev/null || die "$t is not on PATH"; done
UMOCI="$(umoci_bin)"
# What every image's key includes: how images are assembled and with which umoci.
COMMON="rev=$BUILD_REV $(sha256sum "$HERE/lib.sh" "$UMOCI" | cut -c1-64 | tr '\n' ' ')"

key() { (echo "$COMMON"; cat) | sha256sum | cut -c1-8; }

TMP=""
trap 'rm -rf "$TMP"' EXIT

# Runs "<builder> <rootfs> <tmp-tar>" into <dir>/<file> once, under a lock. The builder runs
# outside any `||` so that set -e stops it at its first failing step.
build_once() { # <ref> <dir> <file> <builder>
  local ref="$1" dir="$2" file="$3" builder="$4"
  if [[ ! -s "$dir/$file" ]]; then
    mkdir -p "$dir"
    exec 9>"$dir/.lock"
    flock 9
    if [[ ! -s "$dir/$file" ]]; then
      local start=$SECONDS
      TMP="$(mktemp -d "$dir/.tmp.XXXXXX")"
      log "building $ref"
      "$builder" "$TMP/rootfs" "$TMP/$file"
      mv -f "$TMP/$file" "$dir/$file"
      rm -rf "$TMP"
      log "built $ref in $((SECONDS - start))s: $dir/$file ($(du -h "$dir/$file" | cut -f1))"
    fi
    exec 9>&-
  fi
  echo "$ref $dir/$file"
}

# --- pause ---------------------------------------------------------------------------------------
PAUSE_CFLAGS=(-static -Os -Wall -Wextra -Werror)
build_pause() { # <rootfs> <out.tar>
  mkdir -p "$1"
  gcc "${PAUSE_CFLAGS[@]}" -o "$1/pause" "$HERE/pause.c"
  strip "$1/pause"
  # 65535: the user Kubernetes' own pause image runs as.
  oci_image "$1" "$PAUSE_REF" "$2" --entrypoint /pause --user 65535:65535
}
if wanted pause; then
  PAUSE_KEY="$( { echo "${PAUSE_CFLAGS[*]}"; gcc --version | head -1; dpkg-query -W libc6-dev 2>/dev/null || true; cat "$HERE/pause.c"; } | key)"
  build_once "$PAUSE_REF" "$ROOT/image-pause-${PAUSE_REF##*:}_$PAUSE_KEY" pause.tar build_pause
fi

# --- llama-server --------------------------------------------------------------------------------
build_llama() { # <rootfs> <out.tar>
  local r="$1"
  mkdir -p "$r/usr/local/bin"
  cp -p "$LLAMA_BIN" "$r/usr/local/bin/llama-server"
  copy_shared_libs "$r" "$LLAMA_BIN"
  base_files "$r"
  oci_image "$r" "$LLAMA_REF" "$2" --chown home/nonroot=65532:65532 \
    --entrypoint /usr/local/bin/llama-server --user 65532:65532 --workdir /home/nonroot \
    --env PATH=/usr/local/bin:/usr/bin:/bin --env HOME=/home/nonroot
}
if wanted llama-server; then
  # llama-server.sh takes 20-40 minutes the first time and prints the binary's path.
  LLAMA_BIN="$(bash "$HERE/llama-server.sh")"
  [[ -x "$LLAMA_BIN" ]] || die "llama-server.sh gave no binary"
  # The libraries are part of the image, so their bytes are part of its key.
  LLAMA_LIBS=()
  mapfile -t LLAMA_LIBS < <(ldd "$LLAMA_BIN" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
  LLAMA_KEY="$( { sha256sum "$LLAMA_BIN" "${LLAMA_LIBS[@]}" | cut -c1-64; } | key)"
  build_once "$LLAMA_REF" "$ROOT/image-llama-server-${LLAMA_REF##*:}_$LLAMA_KEY" llama-server.tar build_llama
fi
