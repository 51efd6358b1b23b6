#!/usr/bin/env bash
# Local Kubernetes control plane for LLMFleet's e2e tests, without Docker:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler as plain
# processes, KWOK playing the kubelets of three fake nodes (two GPU nodes,
# one CPU node), one real node that runs containers (containerd, runc, kubelet,
# kube-proxy, CNI bridge: node.sh), plus a Vault-API server (OpenBao in dev mode:
# in memory, KV v2 at secret/, Kubernetes auth against this API server).
# Everything listens on 127.0.0.1 on ports picked at `up` time, but the API
# server (all addresses, so pods reach it at the node's bridge address) and the
# kubelet (the bridge address).
#
#   cluster.sh up      build what is missing, start everything, print env lines
#   cluster.sh env     print the env lines:  eval "$(e2e/cluster/cluster.sh env)"
#   cluster.sh status  report each component; exit non-zero unless all healthy
#   cluster.sh down    stop exactly the processes `up` started, remove the state
#   cluster.sh crash-apiserver
#                      kill -9 kube-apiserver and start it again with the same
#                      command line; returns once it is healthy (fault tests)
#   cluster.sh load-image TAR
#                      import an image tarball into the real node's containerd
#
# LLMFLEET_REAL_NODE=false at `up`: no real node (only KWOK's), for benchmarks that do not need one and so
# can run beside a cluster that has it (there is one real node per machine).
#
# State (PKI, kubeconfigs, etcd data, logs, pids, ports) lives in
#   ${LLMFLEET_CLUSTER_DIR:-<repo>/e2e/cluster/.state}
# so two clones on one machine never share a cluster.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${LLMFLEET_CLUSTER_DIR:-$HERE/.state}"
mkdir -p "$(dirname "$STATE")"
STATE="$(cd "$(dirname "$STATE")" && pwd)/$(basename "$STATE")"

PKI="$STATE/pki"
LOGS="$STATE/logs"
PIDS="$STATE/pids"
KUBECONFIG_ADMIN="$STATE/admin.kubeconfig"

# A /16: benchmarks create thousands of Services (a /24 runs out at 254).
SERVICE_CIDR=10.0.0.0/16
SERVICE_IP=10.0.0.1
POD_CIDR=10.244.0.0/16
PV_COUNT=200

# Whether this cluster has the real node: chosen at `up`, remembered in the state dir for the other commands.
if [[ -f "$STATE/real-node" ]]; then REAL_NODE="$(cat "$STATE/real-node")"; else REAL_NODE="${LLMFLEET_REAL_NODE:-true}"; fi
[[ "$REAL_NODE" == true || "$REAL_NODE" == false ]] || { echo "LLMFLEET_REAL_NODE must be true or false" >&2; exit 2; }

# Start order.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok vault)
if [[ "$REAL_NODE" == true ]]; then
  COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok containerd kubelet kube-proxy vault)
fi

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=node.sh
source "$HERE/node.sh"

# ---------------------------------------------------------------- processes

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }

# Alive, and really ours: its command line mentions the state dir (guards
# against a recycled pid).
running() {
  local pid; pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE"
}

start() { # <name> <binary> <args...>
  local name="$1"; shift
  log "starting $name"
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach it.
  # In a non-interactive shell the background child is no group leader, so
  # setsid execs in place and $! is the component's pid.
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$PIDS/$name.pid"
  # Until it execs, the child is a copy of this shell whose command line lacks the state dir, and `running`
  # would call it gone: on a busy machine that window outlasted a first health check ("exited", empty log).
  local deadline=$((SECONDS + 10))
  until tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE"; do
    kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)) || break
    sleep 0.05
  done
}

# Up-time failure: show the component's log, stop what was started, keep the
# logs in the state dir for inspection.
fail() { # <name> <message>
  log "ERROR: $2"
  if [[ -f "$LOGS/$1.log" ]]; then
    log "---- last lines of $LOGS/$1.log ----"
    tail -n 40 "$LOGS/$1.log" >&2
    log "----"
  fi
  stop_all
  log "processes stopped; logs kept in $LOGS (\`$0 down\` removes them)"
  exit 1
}

wait_until() { # <name> <timeout-seconds> <command...>
  local name="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$PIDS/$name.pid" ]] && ! running "$name"; then fail "$name" "$name exited"; fi
    ((SECONDS < deadline)) || fail "$name" "$name not healthy after ${timeout}s"
    sleep 0.5
  done
}

# The real node's pods are stopped through the CRI once the kubelet is gone (so it restarts none), while
# containerd still runs; then the rest stops, and the host is put back as it was.
stop_all() {
  stop_components vault kube-proxy kubelet
  node_stop_pods
  stop_components containerd kwok kube-scheduler kube-controller-manager kube-apiserver etcd
  node_host_cleanup
}

stop_components() { # <name>... : TERM, then KILL after 10 s; returns when all are gone
  local name pid pids=()
  for name in "$@"; do
    if running "$name"; then
      pid="$(pid_of "$name")"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$PIDS/$name.pid"
  done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored TERM, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
}

# ---------------------------------------------------------------- health

load_ports() { # shellcheck source=/dev/null
  source "$STATE/ports.env"
}

curl_admin() { # <url>
  curl -fsS --max-time 5 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1"
}

healthy() { # <name>
  case "$1" in
    etcd) curl -fsS --max-time 5 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"' ;;
    kube-apiserver) [[ "$(curl_admin "https://127.0.0.1:$APISERVER_PORT/readyz")" == ok ]] ;;
    containerd | kubelet | kube-proxy) node_healthy "$1" ;;
    # Serving certs of these two are self-signed; /healthz is always allowed.
    kube-controller-manager) [[ "$(curl -fsSk --max-time 5 "https://127.0.0.1:$KCM_PORT/healthz")" == ok ]] ;;
    kube-scheduler) [[ "$(curl -fsSk --max-time 5 "https://127.0.0.1:$SCHEDULER_PORT/healthz")" == ok ]] ;;
    kwok) [[ "$(curl -fsS --max-time 5 "http://127.0.0.1:$KWOK_PORT/healthz")" == ok ]] ;;
    # 200 only when initialized, unsealed and active.
    vault) curl -fsS --max-time 5 "http://127.0.0.1:$VAULT_PORT/v1/sys/health" | grep -q '"sealed":false' ;;
  esac
}

kubectl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }

# ---------------------------------------------------------------- setup

# Free ports from the kernel (bind to port 0), all held until each is chosen
# so they are distinct, then recorded in the state dir.
pick_ports() {
  python3 - "$@" <<'EOF'
import socket, sys
socks = []
for name in sys.argv[1:]:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
    print(f"{name}={s.getsockname()[1]}")
for s in socks:
    s.close()
EOF
}

ossl() { openssl "$@" 2>>"$PKI/openssl.log" || die "openssl $1 failed: $(tail -n 5 "$PKI/openssl.log")"; }

# <name> <subject> <extendedKeyUsage> [subjectAltName] [CA name]: key + cert signed by the CA.
sign_cert() {
  local k="$PKI/$1" ca="$PKI/${5:-ca}"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$3"
    if [[ -n "${4:-}" ]]; then echo "subjectAltName=$4"; fi
  } >"$k.ext"
  ossl req -newkey rsa:2048 -nodes -keyout "$k.key" -out "$k.csr" -subj "$2"
  ossl x509 -req -in "$k.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial -days 3650 \
    -extfile "$k.ext" -out "$k.crt"
  rm -f "$k.csr" "$k.ext"
}

new_ca() { # <name> <CN>
  ossl req -x509 -newkey rsa:2048 -nodes -keyout "$PKI/$1.key" -out "$PKI/$1.crt" -days 3650 \
    -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
}

gen_pki() {
  mkdir -p "$PKI"
  new_ca ca llmfleet-e2e-ca
  sign_cert apiserver "/CN=kube-apiserver" serverAuth \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$SERVICE_IP,IP:$NODE_IP"
  sign_cert admin "/O=system:masters/CN=admin" clientAuth
  # Users that the bootstrap RBAC policy already binds.
  sign_cert kube-controller-manager "/CN=system:kube-controller-manager" clientAuth
  sign_cert kube-scheduler "/CN=system:kube-scheduler" clientAuth
  # KWOK writes node and pod status and leases, and deletes pods: admin rights.
  sign_cert kwok "/O=system:masters/CN=kwok" clientAuth
  # Aggregation layer (request-header authentication); without it the
  # controller-manager and scheduler log errors about a missing CA bundle.
  new_ca front-proxy-ca llmfleet-e2e-front-proxy-ca
  sign_cert front-proxy-client "/CN=front-proxy-client" clientAuth "" front-proxy-ca
  # Service-account token signing key pair.
  ossl genrsa -out "$PKI/sa.key" 2048
  ossl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub"
  node_pki
  chmod 600 "$PKI"/*.key
}

kubeconfig() { # <user> <file>
  cat >"$2" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: llmfleet-e2e
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$1.crt")
    client-key-data: $(base64 -w0 "$PKI/$1.key")
contexts:
- name: llmfleet-e2e
  context:
    cluster: llmfleet-e2e
    user: $1
current-context: llmfleet-e2e
EOF
  chmod 600 "$2"
}

storage_manifests() {
  cat "$HERE/storage/storageclass.yaml"
  local i
  for ((i = 1; i <= PV_COUNT; i++)); do
    mkdir -p "$STATE/pv/pv-$i"
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pv-$i
  labels:
    type: kwok
spec:
  capacity:
    storage: 1Ti
  accessModes: [ReadWriteOnce, ReadWriteMany, ReadOnlyMany]
  storageClassName: standard
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: $STATE/pv/pv-$i
    type: DirectoryOrCreate
EOF
  done
}

# ---------------------------------------------------------------- commands

print_env() {
  printf "export KUBECONFIG='%s'\n" "$KUBECONFIG_ADMIN"
  printf "export PATH='%s':\"\$PATH\"\n" "$(cat "$STATE/bin-dir")"
  # shellcheck source=/dev/null
  source "$STATE/ports.env"
  printf "export VAULT_ADDR='http://127.0.0.1:%s'\n" "$VAULT_PORT"
  printf "export VAULT_TOKEN='%s'\n" "$(cat "$STATE/vault/root-token")"
  printf "export LLMFLEET_AUDIT_LOG='%s'\n" "$LOGS/audit.log"
  [[ "$REAL_NODE" == true ]] || return 0
  # The real node: its name, the address pods reach the host at, its label and taint, its volumes' class.
  printf "export LLMFLEET_NODE_NAME='%s'\n" "$NODE_NAME"
  printf "export LLMFLEET_NODE_IP='%s'\n" "$NODE_IP"
  printf "export LLMFLEET_NODE_LABEL='%s'\n" "$NODE_LABEL"
  printf "export LLMFLEET_NODE_TAINT='%s'\n" "$NODE_TAINT_KEY"
  printf "export LLMFLEET_NODE_STORAGE_CLASS='%s'\n" "$NODE_STORAGE_CLASS"
}

vault_api() { # <method> <path> [json body]: the dev root token, fails on an HTTP error
  local body=()
  if [[ $# -ge 3 ]]; then body=(-H 'Content-Type: application/json' --data "$3"); fi
  curl -fsS --max-time 10 -X "$1" -H "X-Vault-Token: $(cat "$STATE/vault/root-token")" \
    "${body[@]}" "http://127.0.0.1:$VAULT_PORT/v1/$2"
}

# Dev mode: in memory, unsealed, KV v2 at secret/. The root token is made here
# (not printed by the server into a log) and passed through the environment,
# so it is in no command line. -config names the state dir, which `running`
# looks for, and turns the UI off.
start_vault() {
  mkdir -p "$STATE/vault"
  (umask 077 && openssl rand -hex 24 | sed 's/^/llmfleet-dev-/' >"$STATE/vault/root-token")
  echo 'ui = false' >"$STATE/vault/dev.hcl"
  start vault env BAO_DEV_ROOT_TOKEN_ID="$(cat "$STATE/vault/root-token")" "$BIN/bao" server -dev \
    -dev-listen-address="127.0.0.1:$VAULT_PORT" -dev-no-store-token -config="$STATE/vault/dev.hcl"
  wait_until vault 30 healthy vault
  vault_api GET sys/mounts/secret/tune | jq -e '.options.version == "2"' >/dev/null ||
    fail vault "secret/ is not a KV version 2 mount"

  # Kubernetes auth: Vault checks the service-account tokens it is shown
  # through the TokenReview API, with a reviewer token that may do so.
  log "configuring Vault's Kubernetes auth"
  kubectl create namespace vault >/dev/null
  kubectl -n vault create serviceaccount token-reviewer >/dev/null
  kubectl create clusterrolebinding vault-token-reviewer --clusterrole=system:auth-delegator \
    --serviceaccount=vault:token-reviewer >/dev/null
  local reviewer
  reviewer="$(kubectl -n vault create token token-reviewer --duration=720h)" || fail vault "cannot create the reviewer token"
  vault_api POST sys/auth/kubernetes '{"type":"kubernetes"}' >/dev/null || fail vault "cannot enable Kubernetes auth"
  jq -n --arg host "https://127.0.0.1:$APISERVER_PORT" --rawfile ca "$PKI/ca.crt" --arg jwt "$reviewer" \
    '{kubernetes_host: $host, kubernetes_ca_cert: $ca, token_reviewer_jwt: $jwt}' >"$STATE/vault/k8s-auth.json"
  vault_api POST auth/kubernetes/config "$(cat "$STATE/vault/k8s-auth.json")" >/dev/null ||
    fail vault "cannot configure Kubernetes auth"
  rm -f "$STATE/vault/k8s-auth.json"
}

all_healthy() {
  [[ -f "$STATE/ports.env" ]] || return 1
  load_ports
  local name
  for name in "${COMPONENTS[@]}"; do
    running "$name" && healthy "$name" || return 1
  done
}

any_running() {
  local name
  for name in "${COMPONENTS[@]}"; do running "$name" && return 0; done
  return 1
}

cmd_up() {
  local t0=$SECONDS
  if all_healthy; then
    log "already running ($STATE)"
    print_env
    return 0
  fi
  if [[ -d "$STATE" ]]; then
    any_running && die "a partly running cluster is in $STATE: run '$0 down' first"
    log "removing stale state $STATE"
    # Its real node's mounts, cgroups and host changes first, from the node's own record.
    node_host_cleanup
    rm -rf "$STATE"
  fi

  BIN="$("$HERE/build.sh")"
  mkdir -p "$STATE" "$LOGS" "$PIDS" "$STATE/kwok"
  echo "$BIN" >"$STATE/bin-dir"
  echo "$REAL_NODE" >"$STATE/real-node"

  pick_ports ETCD_PORT ETCD_PEER_PORT APISERVER_PORT KCM_PORT SCHEDULER_PORT KWOK_PORT VAULT_PORT \
    KUBELET_PORT KUBELET_HEALTHZ_PORT PROXY_HEALTHZ_PORT PROXY_METRICS_PORT >"$STATE/ports.env"
  load_ports
  log "state: $STATE"
  log "ports: $(tr '\n' ' ' <"$STATE/ports.env")"

  gen_pki
  local c
  for c in admin kube-controller-manager kube-scheduler kwok; do kubeconfig "$c" "$STATE/$c.kubeconfig"; done

  # --unsafe-no-fsync: throwaway test data, much faster on slow disks.
  start etcd "$BIN/etcd" \
    --name=llmfleet-e2e --data-dir="$STATE/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="llmfleet-e2e=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level=warn
  wait_until etcd 30 healthy etcd

  # Advertised at the real node's bridge address: the "kubernetes" Service's endpoint, which pods reach
  # through kube-proxy. Admission plugins: the defaults (ServiceAccount, PodSecurity at its default
  # "privileged" level, ResourceQuota, DefaultStorageClass, ...).
  # Without the real node: loopback only, and no endpoint for the "kubernetes" Service (the API server refuses
  # a loopback address there; nothing reaches it through the Service then).
  local listen=(--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --endpoint-reconciler-type=none)
  if [[ "$REAL_NODE" == true ]]; then
    node_prepare_host
    listen=(--bind-address=0.0.0.0 --advertise-address="$NODE_IP")
  fi
  # The audit log holds the requests of ServiceAccounts (the operator's as the chart installs it, download pods),
  # metadata only: the chart test compares them with the chart's RBAC rules.
  # OwnerReferencesPermissionEnforcement (as on OpenShift): an owner reference with blockOwnerDeletion needs
  # update on the owner's finalizers, which the chart must grant.
  cp "$HERE/audit-policy.yaml" "$STATE/audit-policy.yaml"
  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --audit-policy-file="$STATE/audit-policy.yaml" --audit-log-path="$LOGS/audit.log" \
    --audit-log-format=json --audit-log-maxsize=200 --audit-log-maxbackup=1 \
    --enable-admission-plugins=OwnerReferencesPermissionEnforcement \
    "${listen[@]}" --secure-port="$APISERVER_PORT" \
    --cert-dir="$PKI/kube-apiserver" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --authorization-mode=Node,RBAC \
    --allow-privileged=true \
    --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP
  wait_until kube-apiserver 90 healthy kube-apiserver

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$PKI/kube-controller-manager" \
    --leader-elect=false \
    --root-ca-file="$PKI/ca.crt" \
    --service-account-private-key-file="$PKI/sa.key" --use-service-account-credentials=true \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --service-cluster-ip-range="$SERVICE_CIDR"
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --authorization-kubeconfig="$STATE/kube-scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --cert-dir="$PKI/kube-scheduler" \
    --leader-elect=false
  wait_until kube-controller-manager 60 healthy kube-controller-manager
  wait_until kube-scheduler 60 healthy kube-scheduler

  # KWOK_WORKDIR keeps it from also loading a developer's ~/.kwok/kwok.yaml.
  # Pods get IPs from --cidr (nothing routes to them); nodes get InternalIP
  # --node-ip, which is also each pod's hostIP.
  local stages; stages="$(printf '%s,' "$HERE"/kwok/*.yaml)"
  start kwok env KWOK_WORKDIR="$STATE/kwok" "$BIN/kwok" \
    --kubeconfig="$STATE/kwok.kubeconfig" \
    --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 \
    --cidr="$POD_CIDR" --node-ip=127.0.0.1 \
    --server-address="127.0.0.1:$KWOK_PORT" \
    --config="${stages%,}"
  wait_until kwok 30 healthy kwok

  log "creating nodes"
  kubectl create -f "$HERE/nodes/" >&2 || fail kwok "creating nodes failed"
  local deadline=$((SECONDS + 60))
  until kubectl wait --for=condition=Ready node --all --timeout=5s >/dev/null 2>&1; do
    running kwok || fail kwok "kwok exited"
    ((SECONDS < deadline)) || fail kwok "nodes not Ready after 60s"
  done

  log "creating storage class and $PV_COUNT persistent volumes"
  storage_manifests | kubectl create -f - >/dev/null || fail kube-apiserver "creating storage failed"

  # Pods can only be created once the namespace's default ServiceAccount exists.
  wait_until kube-controller-manager 60 kubectl get serviceaccount default -n default

  if [[ "$REAL_NODE" == true ]]; then node_up; fi

  start_vault

  log "up in $((SECONDS - t0))s"
  print_env
}

cmd_env() {
  [[ -f "$STATE/bin-dir" ]] || die "no cluster in $STATE: run '$0 up'"
  print_env
}

cmd_status() {
  [[ -f "$STATE/ports.env" ]] || { echo "no cluster in $STATE"; return 1; }
  load_ports
  BIN="$(cat "$STATE/bin-dir")"
  local name ok=0 state
  for name in "${COMPONENTS[@]}"; do
    if ! running "$name"; then
      state="NOT RUNNING"; ok=1
    elif healthy "$name"; then
      state="healthy (pid $(pid_of "$name"))"
    else
      state="UNHEALTHY (pid $(pid_of "$name"))"; ok=1
    fi
    printf '%-24s %s\n' "$name" "$state"
  done
  if [[ $ok == 0 ]]; then
    printf '%-24s %s\n' "apiserver" "https://127.0.0.1:$APISERVER_PORT"
    printf '%-24s %s\n' "vault" "http://127.0.0.1:$VAULT_PORT ($("$BIN/bao" version | head -n 1))"
    kubectl get nodes -o wide || ok=1
  fi
  return $ok
}

cmd_down() {
  local t0=$SECONDS
  if [[ ! -d "$STATE" ]]; then
    log "no cluster in $STATE"
    return 0
  fi
  [[ -f "$STATE/ports.env" ]] && load_ports
  stop_all
  local left
  if left="$(pgrep -af -- "$STATE/")"; then
    log "processes still mention $STATE, state dir kept:"
    echo "$left" >&2
    return 1
  fi
  rm -rf "$STATE"
  log "down in $((SECONDS - t0))s"
}

# SIGKILL, as a crash of its host would (a graceful stop drains watches for a
# minute or more), then the same command line again once its port is free.
cmd_crash_apiserver() {
  [[ -f "$STATE/ports.env" ]] || die "no cluster in $STATE"
  load_ports
  running kube-apiserver || die "kube-apiserver is not running in $STATE"
  local pid args=()
  pid="$(pid_of kube-apiserver)"
  mapfile -d '' args <"/proc/$pid/cmdline"
  log "killing kube-apiserver (pid $pid)"
  kill -KILL "$pid"
  # Gone, or a zombie of a parent that does not reap it: either way it serves nothing.
  while [[ -e /proc/$pid ]] && ! grep -q '^[0-9]* (.*) Z' "/proc/$pid/stat" 2>/dev/null; do sleep 0.1; done
  # The main thread dies before the others close the listening socket.
  while (exec 3<>"/dev/tcp/127.0.0.1/$APISERVER_PORT") 2>/dev/null; do sleep 0.1; done
  start kube-apiserver "${args[@]}"
  wait_until kube-apiserver 90 healthy kube-apiserver
  log "kube-apiserver is back (pid $(pid_of kube-apiserver))"
}

cmd_load_image() { # <tar>
  [[ -f "${1:-}" ]] || die "usage: $0 load-image TAR (an OCI or Docker image tarball)"
  running containerd || die "the real node's containerd is not running in $STATE"
  node_import "$1"
}

case "${1:-}" in
  up) cmd_up ;;
  load-image) cmd_load_image "${2:-}" ;;
  down) cmd_down ;;
  env) cmd_env ;;
  status) cmd_status ;;
  crash-apiserver) cmd_crash_apiserver ;;
  *) echo "usage: $0 up|down|env|status|crash-apiserver|load-image TAR" >&2; exit 2 ;;
esac
