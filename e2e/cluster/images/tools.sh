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
TOOLS="$HERE/../tools"

LOG_PREFIX=image-tools
# shellcheck source=../go-build-lib.sh
source "$HERE/../go-build-lib.sh"

UMOCI="$(modver umoci github.com/opencontainers/umoci)"
[[ -n "$UMOCI" ]] || die "cannot read the umoci version from $TOOLS/umoci/go.mod"
HASH="$( (echo "rev=$BUILD_REV"; cat "$TOOLS/umoci/go.mod" "$TOOLS/umoci/go.sum") | sha256sum | cut -c1-8)"
CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/image-tools-umoci-${UMOCI#v}_$HASH"
BIN="$CACHE/bin"
if [[ -x "$BIN/umoci" ]]; then echo "$BIN"; exit 0; fi

require_go
mkdir -p "$BIN"
exec 9>"$CACHE/.lock"
flock 9
if [[ -x "$BIN/umoci" ]]; then echo "$BIN"; exit 0; fi

# umoci embeds its VERSION file, so `umoci --version` is right without -X flags.
gobuild umoci "-s -w" umoci github.com/opencontainers/umoci/cmd/umoci
echo "$BIN"
