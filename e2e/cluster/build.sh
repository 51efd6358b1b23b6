#!/usr/bin/env bash
# Builds the local control-plane binaries (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubectl, kwok, helm), the real
# node's kubelet and kube-proxy (same Kubernetes wrapper module), and the
# Vault-API server (OpenBao, `bao`) from the Go modules pinned under
# e2e/cluster/tools/, into a per-machine cache:
#
#   ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/<versions-key>/bin
#
# The versions key names the pinned versions plus a short hash of the tools'
# go.mod/go.sum files and of BUILD_REV below, so any version (or flag) change
# builds into a fresh directory. Only missing binaries are built; a warm run
# takes well under a second.
#
# stdout: the bin directory, nothing else. Logs go to stderr.
#
# Go settings:
# - GOTOOLCHAIN=local: never download a toolchain (the modules need go >= 1.26.0).
# - CGO_ENABLED=0, -trimpath, -ldflags "-s -w -X ...": static, reproducible
#   binaries that report their real versions.
# - -mod=readonly: go.mod/go.sum are committed and complete; the build fails
#   instead of silently rewriting them. Checksum DB lookups (sum.golang.org)
#   worked when go.sum was generated, and a build that only reads go.sum needs
#   none, so GONOSUMDB/GOFLAGS are left alone. If a machine cannot reach the
#   checksum DB when go.sum must change (`go mod tidy` after a version bump), set
#   GONOSUMDB=k8s.io,sigs.k8s.io,go.etcd.io,helm.sh deliberately for that run.
set -euo pipefail

# Bump when the build flags below change, so existing caches are not reused.
BUILD_REV=1

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$HERE/tools"

LOG_PREFIX=build
# shellcheck source=go-build-lib.sh
source "$HERE/go-build-lib.sh"
require_go

K8S="$(modver kubernetes k8s.io/kubernetes)"
ETCD="$(modver etcd go.etcd.io/etcd/server/v3)"
KWOK="$(modver kwok sigs.k8s.io/kwok)"
HELM="$(modver helm helm.sh/helm/v3)"
# A commit pseudo-version (OpenBao's tags lack /v2); the key shows its commit.
BAO="$(modver vault github.com/openbao/openbao)"
# The release that commit is tagged as, for `bao version`.
BAO_RELEASE=2.4.0
for v in K8S ETCD KWOK HELM BAO; do [[ -n "${!v}" ]] || die "cannot read the $v version from $TOOLS/*/go.mod"; done

# Only the modules this script builds: the node's and the images' tools have keys of their own.
OWN_TOOLS=(kubernetes etcd kwok helm vault)
HASH="$( (echo "rev=$BUILD_REV bao=$BAO_RELEASE"; for t in "${OWN_TOOLS[@]}"; do cat "$TOOLS/$t/go.mod" "$TOOLS/$t/go.sum"; done) | sha256sum | cut -c1-8)"
KEY="k8s-${K8S#v}_etcd-${ETCD#v}_kwok-${KWOK#v}_helm-${HELM#v}_bao-${BAO##*-}_${HASH}"
CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/$KEY"
BIN="$CACHE/bin"
mkdir -p "$BIN"

KUBE_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
ALL_BINS=(etcd "${KUBE_BINS[@]}" kwok helm bao)
if have_all "${ALL_BINS[@]}"; then
  echo "$BIN"
  exit 0
fi

# One build at a time per cache directory (a developer's clone and CI's clone
# may call this concurrently on one machine).
exec 9>"$CACHE/.lock"
flock 9

if ! have_all "${KUBE_BINS[@]}"; then
  k8s_minor="$(echo "$K8S" | cut -d. -f2)"
  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$K8S -X $p.gitMajor=1 -X $p.gitMinor=$k8s_minor -X $p.gitTreeState=clean"
  done
  # All in one invocation so they share one package graph and cache.
  gobuild kubernetes "$ld" "" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy
fi

if ! have_all etcd; then
  # etcd's own version.Version is already the module's version; GitSHA says
  # "Not provided" unless set.
  # The main package is the module root, so name the output explicitly.
  gobuild etcd "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD" etcd go.etcd.io/etcd/server/v3
fi

if ! have_all kwok; then
  gobuild kwok "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK#v}" "" \
    sigs.k8s.io/kwok/cmd/kwok
fi

if ! have_all helm; then
  # Without these, helm assumes Kubernetes v1.20 for .Capabilities and lint.
  k8s_minor="$(echo "$K8S" | cut -d. -f2)"
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for p in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
    ld+=" -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$k8s_minor"
  done
  gobuild helm "$ld" "" helm.sh/helm/v3/cmd/helm
fi

if ! have_all bao; then
  # The largest of all (about 7 minutes on 2 busy cores with the modules
  # downloaded). CGO off: no HSM (PKCS#11) support, which the tests never use.
  gobuild vault "-s -w -X github.com/openbao/openbao/version.fullVersion=$BAO_RELEASE -X github.com/openbao/openbao/version.GitCommit=${BAO##*-}" \
    bao github.com/openbao/openbao
fi

have_all "${ALL_BINS[@]}" || die "some binaries are still missing in $BIN"
log "all binaries present in $BIN"
echo "$BIN"
