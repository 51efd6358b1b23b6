# What build.sh, node-build.sh and images/tools.sh share: building binaries from the Go modules pinned under
# tools/<name>/ (go.mod, go.sum, tools.go) into a cache folder, safely. Each script keeps its own cache key.
#
# The caller sets LOG_PREFIX, TOOLS (the tools/ folder), CACHE and BIN before calling these.
#
# Go settings: GOTOOLCHAIN=local (never download a toolchain), CGO off unless a call says otherwise
# (`CGO_ENABLED=1 gobuild ...`), -mod=readonly (go.mod/go.sum are committed and complete; the build fails instead
# of rewriting them), -trimpath; build tags through GOFLAGS=-tags=... on the call.

export GOTOOLCHAIN=local CGO_ENABLED=0

log() { printf '[%s] %s\n' "$LOG_PREFIX" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

require_go() {
  command -v go >/dev/null || die "go is not on PATH (Go >= 1.26 is needed)"
  local minor
  minor="$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
  [[ "$minor" =~ ^[0-9]+$ && "$minor" -ge 26 ]] || die "Go >= 1.26 needed, found $(go env GOVERSION)"
}

# Version of a required module, read from a tools go.mod.
modver() { # <tools-subdir> <module path>
  awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) { v = ($1 == m) ? $2 : $3 } END { print v }' "$TOOLS/$1/go.mod"
}

have_all() { local b; for b in "$@"; do [[ -x "$BIN/$b" ]] || return 1; done; }

# go build into a scratch dir, then move the binaries into place, so an interrupted build never leaves a
# half-written binary that looks complete.
gobuild() { # <tools-subdir> <ldflags> <output name, or "" for one per package> <pkg>...
  local dir="$1" ldflags="$2" out="$3"; shift 3
  local tmp; tmp="$(mktemp -d "$CACHE/.tmp.XXXXXX")"
  local start=$SECONDS
  log "building in tools/$dir: $*"
  (cd "$TOOLS/$dir" && go build -mod=readonly -trimpath -ldflags "$ldflags" -o "$tmp/$out" "$@") >&2 \
    || { rm -rf "$tmp"; die "go build failed in tools/$dir"; }
  local built; built="$(cd "$tmp" && echo *)"
  mv -f "$tmp"/* "$BIN/"
  rm -rf "$tmp"
  log "built $built in $((SECONDS - start))s"
}
