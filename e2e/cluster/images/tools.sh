#!/usr/bin/env bash
# Builds the image tools (umoci, pinned in e2e/cluster/tools/umoci/) into the per-machine cache
# and prints the bin directory:
#
#   ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/image-tools-umoci-<version>_<hash>/bin
#
# Kept apart from ../build.sh so that its cache key (and the control-plane binaries under it)
# does not change when an image tool is added or bumped. The key here hashes the tools' go.mod,
# go.sum and BUILD_REV. Same Go settings as ../build.sh: GOTOOLCHAIN=local, CGO_ENABLED=0,
# -mod=readonly, -trimpath. About a minute on 2 busy cores; a warm run returns at once.
#
# stdout: the bin directory, nothing else. Logs go to stderr.
set -euo pipefail

# Bump when the build flags below change.
BUILD_REV=1

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$HERE/../tools/umoci"

log() { printf '[image-tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

export GOTOOLCHAIN=local CGO_ENABLED=0

UMOCI="$(awk '($1 == "require" && $2 == "github.com/opencontainers/umoci") { print $3 }' "$TOOLS/go.mod")"
[[ -n "$UMOCI" ]] || die "cannot read the umoci version from $TOOLS/go.mod"
HASH="$( (echo "rev=$BUILD_REV"; cat "$TOOLS/go.mod" "$TOOLS/go.sum") | sha256sum | cut -c1-8)"
CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/image-tools-umoci-${UMOCI#v}_$HASH"
BIN="$CACHE/bin"
if [[ -x "$BIN/umoci" ]]; then echo "$BIN"; exit 0; fi

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BIN"
exec 9>"$CACHE/.lock"
flock 9
if [[ -x "$BIN/umoci" ]]; then echo "$BIN"; exit 0; fi

start=$SECONDS
tmp="$(mktemp -d "$CACHE/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log "building umoci $UMOCI"
# umoci embeds its VERSION file, so `umoci --version` is right without -X flags.
(cd "$TOOLS" && go build -mod=readonly -trimpath -ldflags "-s -w" \
  -o "$tmp/umoci" github.com/opencontainers/umoci/cmd/umoci) >&2 || die "go build of umoci failed"
mv -f "$tmp/umoci" "$BIN/umoci"
log "built $BIN/umoci in $((SECONDS - start))s"
echo "$BIN"
