#!/usr/bin/env bash
# Builds the real node's runtime from the Go modules pinned under e2e/cluster/tools/ (containerd, its runc
# shim, ctr, runc, and crictl to stop its pods at `down`) into a per-machine cache and prints the bin directory. The kubelet and kube-proxy come from
# build.sh (same Kubernetes module as the control plane); CNI plugins and iptables are Debian packages.
#
#   ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/node-containerd-<v>_runc-<v>_<hash>/bin
#
# Debian packages the node needs (this machine's only source for them) are installed first when missing:
# libseccomp-dev and pkg-config to build runc; iptables, conntrack (kube-proxy), nftables (node.sh cleans up
# with nft) and the CNI plugins to run.
#
# runc needs cgo and libseccomp (seccomp filters, RuntimeDefault); everything else is static (CGO off).
# About 7 minutes on 2 cores with empty Go caches; a warm run returns at once.
#
# stdout: the bin directory, nothing else. Logs go to stderr.
set -euo pipefail

# Bump when the build flags below change.
BUILD_REV=1

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$HERE/tools"

LOG_PREFIX=node-build
# shellcheck source=go-build-lib.sh
source "$HERE/go-build-lib.sh"

packages() {
  local missing=()
  command -v iptables >/dev/null || missing+=(iptables)
  command -v conntrack >/dev/null || missing+=(conntrack)
  command -v nft >/dev/null || missing+=(nftables)
  command -v tinyproxy >/dev/null || missing+=(tinyproxy)   # ProxyCaMirrorE2E runs it on loopback, never as a service
  [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
  pkg-config --exists libseccomp 2>/dev/null || missing+=(libseccomp-dev pkg-config)
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2 ||
      die "apt-get install ${missing[*]} failed"
  fi
}
packages

require_go

CONTAINERD="$(modver containerd github.com/containerd/containerd/v2)"
CRICTL="$(modver crictl sigs.k8s.io/cri-tools)"
RUNC="$(modver runc github.com/opencontainers/runc)"
for v in CONTAINERD RUNC CRICTL; do [[ -n "${!v}" ]] || die "cannot read the $v version from $TOOLS/*/go.mod"; done

HASH="$( (echo "rev=$BUILD_REV"; cat "$TOOLS"/{containerd,runc,crictl}/go.{mod,sum}) | sha256sum | cut -c1-8)"
CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/node-containerd-${CONTAINERD#v}_runc-${RUNC#v}_$HASH"
BIN="$CACHE/bin"
mkdir -p "$BIN"

ALL_BINS=(containerd containerd-shim-runc-v2 ctr runc crictl)
if have_all "${ALL_BINS[@]}"; then
  echo "$BIN"
  exit 0
fi

exec 9>"$CACHE/.lock"
flock 9

if ! have_all containerd containerd-shim-runc-v2 ctr; then
  # Snapshotters other than overlayfs/native need cgo or kernel features this machine lacks.
  GOFLAGS=-tags=no_btrfs,no_devmapper,no_zfs gobuild containerd \
    "-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD -X github.com/containerd/containerd/v2/version.Revision=module" "" \
    github.com/containerd/containerd/v2/cmd/containerd github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 \
    github.com/containerd/containerd/v2/cmd/ctr
fi

if ! have_all runc; then
  pkg-config --exists libseccomp || die "libseccomp-dev and pkg-config are needed for runc (apt-get install libseccomp-dev pkg-config)"
  CGO_ENABLED=1 GOFLAGS=-tags=seccomp gobuild runc "-s -w -X main.version=${RUNC#v}" runc github.com/opencontainers/runc
fi

if ! have_all crictl; then
  gobuild crictl "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL" "" sigs.k8s.io/cri-tools/cmd/crictl
fi

have_all "${ALL_BINS[@]}" || die "some binaries are still missing in $BIN"
log "all binaries present in $BIN"
echo "$BIN"
