#!/usr/bin/env bash
# Smoke test of a running e2e cluster (`cluster.sh up` first): checks that the
# fake nodes, scheduler, controllers, KWOK stages and storage behave the way
# LLMFleet's e2e tests rely on. Ends with "N passed, N failed"; exit 1 on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
eval "$("$HERE/cluster.sh" env)"

K8S_VERSION=v1.36.3
NS="smoke-$$"
PASSED=0
FAILED=0

# A setup command that fails (set -e) still ends with the summary line, and
# the test namespace is removed.
finish() {
  local rc=$?
  if [[ -z "${DONE:-}" ]]; then
    kubectl delete namespace "$NS" --wait=false >/dev/null 2>&1 || true
    echo "FAIL - smoke.sh aborted (exit $rc)"
    echo
    echo "$PASSED passed, $((FAILED + 1)) failed"
    exit 1
  fi
}
trap finish EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1${2:+: $2}"; }
check() { # <description> <command...>
  local desc="$1" out; shift
  if out="$("$@" 2>&1)"; then pass "$desc"; else fail "$desc" "$(echo "$out" | tail -n 3)"; fi
}

# Polls <command> until it succeeds, for up to <seconds>.
eventually() { # <seconds> <command...>
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

jp() { kubectl get "$@" 2>/dev/null; }

# ------------------------------------------------------------------ nodes
check "3 nodes Ready" kubectl wait --for=condition=Ready node/gpu-h100-0 node/gpu-a10-0 node/cpu-0 --timeout=30s
check "gpu-h100-0 allocatable nvidia.com/gpu=8" \
  test "$(jp node gpu-h100-0 -o jsonpath='{.status.allocatable.nvidia\.com/gpu}')" = 8
check "gpu-a10-0 allocatable nvidia.com/gpu=1" \
  test "$(jp node gpu-a10-0 -o jsonpath='{.status.allocatable.nvidia\.com/gpu}')" = 1
check "cpu-0 has no nvidia.com/gpu and cpu=16" \
  test "$(jp node cpu-0 -o jsonpath='{.status.allocatable.nvidia\.com/gpu}/{.status.allocatable.cpu}')" = /16

# ------------------------------------------------------------------ version
server_version() { kubectl version -o json | jq -r .serverVersion.gitVersion; }
client_version() { kubectl version --client -o json | jq -r .clientVersion.gitVersion; }
check "server version $K8S_VERSION" test "$(server_version)" = "$K8S_VERSION"
check "kubectl version $K8S_VERSION" test "$(client_version)" = "$K8S_VERSION"

# ------------------------------------------------------------------ workloads
kubectl create namespace "$NS" >/dev/null
eventually 30 jp serviceaccount default -n "$NS" -o name >/dev/null || fail "default ServiceAccount created in $NS"

gpu_pod() { # <name> <gpus>
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $NS}
spec:
  tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
  containers:
  - name: main
    image: registry.invalid/llmfleet/fake:1
    resources:
      limits: {nvidia.com/gpu: "$2"}
EOF
}
gpu_pod gpu-2 2 | kubectl create -f - >/dev/null
gpu_pod gpu-16 16 | kubectl create -f - >/dev/null

check "pod with 2 GPUs becomes Ready" kubectl wait -n "$NS" pod/gpu-2 --for=condition=Ready --timeout=60s
check "pod with 2 GPUs runs on gpu-h100-0" \
  test "$(jp pod gpu-2 -n "$NS" -o jsonpath='{.spec.nodeName}/{.status.phase}')" = gpu-h100-0/Running

unschedulable_msg() { jp pod gpu-16 -n "$NS" -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}'; }
insufficient_gpu() { unschedulable_msg | grep -q 'Insufficient nvidia.com/gpu'; }
check "pod with 16 GPUs stays Pending: Insufficient nvidia.com/gpu" eventually 30 insufficient_gpu
check "pod with 16 GPUs is still Pending" test "$(jp pod gpu-16 -n "$NS" -o jsonpath='{.status.phase}')" = Pending

job() { # <name> [component-label] [extra pod label]
  local extra="${3:-smoke: \"true\"}"
  cat <<EOF
apiVersion: batch/v1
kind: Job
metadata: {name: $1, namespace: $NS}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {app.kubernetes.io/component: "${2:-work}", $extra}
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: registry.invalid/llmfleet/fake:1
EOF
}
job job-done | kubectl create -f - >/dev/null
job job-download download | kubectl create -f - >/dev/null
job job-chaos download 'pod-container-running-failed.stage.kwok.x-k8s.io: "true"' | kubectl create -f - >/dev/null

check "Job's pod completes: Job Complete" kubectl wait -n "$NS" job/job-done --for=condition=Complete --timeout=60s
check "Job's pod Succeeded" \
  test "$(jp pods -n "$NS" -l job-name=job-done -o jsonpath='{.items[*].status.phase}')" = Succeeded
download_running() {
  test "$(jp pods -n "$NS" -l job-name=job-download -o jsonpath='{.items[*].status.phase}')" = Running
}
check "download Job's pod becomes Running" eventually 60 download_running
sleep 3
check "download Job's pod stays Running" download_running
check "download Job is not complete" \
  test -z "$(jp job job-download -n "$NS" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')"

# Chaos stage: a labelled pod fails.
kubectl create -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: chaos
  namespace: $NS
  labels: {pod-container-running-failed.stage.kwok.x-k8s.io: "true"}
spec:
  restartPolicy: Never
  containers: [{name: main, image: registry.invalid/llmfleet/fake:1}]
EOF
pod_failed() { test "$(jp pod chaos -n "$NS" -o jsonpath='{.status.phase}')" = Failed; }
check "pod labelled pod-container-running-failed fails" eventually 60 pod_failed
check "Job whose pod is labelled pod-container-running-failed fails" \
  kubectl wait -n "$NS" job/job-chaos --for=condition=Failed --timeout=60s

check "deleted pod goes away" kubectl delete pod gpu-2 -n "$NS" --wait=true --timeout=30s

# ------------------------------------------------------------------ storage
check "StorageClass standard is the default" test "$(jp storageclass standard \
  -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}')" = true
check "40 PersistentVolumes exist" test "$(jp pv -o name | wc -l)" -ge 40
kubectl create -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: models, namespace: $NS}
spec:
  accessModes: [ReadWriteMany]
  resources: {requests: {storage: 200Gi}}
EOF
check "PVC without class binds through the PV controller" \
  kubectl wait -n "$NS" pvc/models --for=jsonpath='{.status.phase}'=Bound --timeout=60s
check "PVC got the default class standard" \
  test "$(jp pvc models -n "$NS" -o jsonpath='{.spec.storageClassName}')" = standard

# ------------------------------------------------------------------ helm
helm_capabilities() {
  local chart; chart="$(mktemp -d)"
  mkdir -p "$chart/templates"
  printf 'apiVersion: v2\nname: smoke\nversion: 0.1.0\n' >"$chart/Chart.yaml"
  printf 'kube: {{ .Capabilities.KubeVersion.Version }}\n' >"$chart/templates/cm.yaml"
  helm template smoke "$chart" | grep -q "^kube: v1.36"
  local rc=$?
  rm -rf "$chart"
  return $rc
}
check "helm template assumes Kubernetes v1.36" helm_capabilities

# ------------------------------------------------------------------ vault
vault_curl() { curl -fsS --max-time 10 -H "X-Vault-Token: $VAULT_TOKEN" "$@"; }
check "vault unsealed and answering" vault_curl "$VAULT_ADDR/v1/sys/health"
kv_roundtrip() {
  vault_curl -X POST -H 'Content-Type: application/json' "$VAULT_ADDR/v1/secret/data/smoke-$$" \
    --data '{"data":{"k":"v1"}}' >/dev/null &&
    test "$(vault_curl "$VAULT_ADDR/v1/secret/data/smoke-$$" | jq -r .data.data.k)" = v1 &&
    vault_curl -X DELETE "$VAULT_ADDR/v1/secret/metadata/smoke-$$" >/dev/null
}
check "vault KV v2 at secret/ writes and reads" kv_roundtrip
kubernetes_login() {
  kubectl -n "$NS" create serviceaccount vault-smoke >/dev/null &&
    vault_curl -X POST "$VAULT_ADDR/v1/auth/kubernetes/role/smoke-$$" --data "{\"bound_service_account_names\":
      [\"vault-smoke\"],\"bound_service_account_namespaces\":[\"$NS\"],\"token_policies\":[\"default\"]}" &&
    local jwt && jwt="$(kubectl -n "$NS" create token vault-smoke)" &&
    curl -fsS --max-time 10 -X POST "$VAULT_ADDR/v1/auth/kubernetes/login" \
      --data "{\"role\":\"smoke-$$\",\"jwt\":\"$jwt\"}" | jq -e '.auth.client_token | length > 0' >/dev/null
  local rc=$?
  vault_curl -X DELETE "$VAULT_ADDR/v1/auth/kubernetes/role/smoke-$$" >/dev/null || true
  return $rc
}
check "vault Kubernetes auth logs a ServiceAccount in (TokenReview against this API server)" kubernetes_login

# ------------------------------------------------------------------ namespace
check "namespace deletion finishes" kubectl delete namespace "$NS" --wait=true --timeout=90s
# Retain policy: the PV is Released, not deleted. Dropping its claimRef makes it
# Available again, so the smoke test leaves all PVs usable.
released_pv() { kubectl get pv -o jsonpath='{.items[?(@.status.phase=="Released")].metadata.name}'; }
has_released() { test -n "$(released_pv)"; }
check "PV Released after its claim went away" eventually 30 has_released
recycle() {
  local pv
  for pv in $(released_pv); do
    kubectl patch pv "$pv" --type json -p '[{"op":"remove","path":"/spec/claimRef"}]' >/dev/null || return 1
    kubectl wait pv "$pv" --for=jsonpath='{.status.phase}'=Available --timeout=30s >/dev/null || return 1
  done
}
check "Released PV made Available again" recycle

DONE=1
echo
echo "$PASSED passed, $FAILED failed"
[[ $FAILED == 0 ]]
