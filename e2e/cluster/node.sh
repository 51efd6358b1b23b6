# The real worker node of the local cluster, sourced by cluster.sh: containerd + runc, the kubelet,
# kube-proxy (iptables mode) and CNI bridge networking on a bridge and pod subnet of its own. KWOK keeps
# the GPU nodes; this node runs containers for real, on CPU.
#
# What `node_up` changes on the host, and `node_down` undoes (recorded under $NODE_DIR):
# - the bridge $NODE_BRIDGE with $NODE_IP/24 (the node's address, the pods' gateway, and where pods reach the
#   API server and test origins);
# - sysctls the kubelet and the bridge plugin set (vm.overcommit_memory, kernel.panic, kernel.panic_on_oops,
#   net.ipv4.ip_forward): their values before `up` are restored;
# - iptables chains of the kubelet and kube-proxy (KUBE-*) and ours (LLMFLEET-NODE, which drops any
#   forwarding into or out of the pod bridge: pod traffic never leaves this machine, nothing is masqueraded
#   on the way out, no host route is added);
# - cgroups under kubepods/ in every hierarchy, mounts under $NODE_DIR (kubelet volumes, overlay
#   snapshots, network namespaces), /var/log/containers, the shims' sockets under /run/containerd.
# One real node per machine: the bridge and the subnet are fixed, and $NODE_MARKER names the state dir whose node
# holds them; `up` undoes what a node that never went down left, from that node's record.
#
# Facts of these machines that shape the configuration (shared/VERSIONS.md):
# - no CAP_SYS_RESOURCE: containerd restrict_oom_score_adj and kubelet oomScoreAdj 0, else runc fails;
# - cgroup v1 hierarchies (the cgroup2 mount holds only hugetlb): failCgroupV1 false, cgroupfs driver;
# - no IPVS, no ipset, no kernel modules: kube-proxy in iptables mode.

NODE_NAME=real-0
NODE_BRIDGE=llmfleet0
NODE_IP=10.77.0.1
NODE_POD_SUBNET=10.77.0.0/24
# What tests and the demo select on; the taint keeps every other pod (KWOK scenarios) off this node.
NODE_LABEL=llmfleet.dev/node=real
NODE_TAINT_KEY=llmfleet.dev/real-node
NODE_PV_COUNT=20
NODE_STORAGE_CLASS=real-node-local
# The sandbox image every pod needs, built (images/build.sh) and imported into containerd at `up`; tests import
# the others (llama-server, the operator) with `cluster.sh load-image`.
NODE_SANDBOX_IMAGE=llmfleet.local/pause:1.0
CNI_BIN_DIR=/usr/lib/cni

NODE_DIR="$STATE/node"
# Which state dir's node holds this machine's bridge, iptables chains and sysctls: one real node per machine.
# On tmpfs, so a reboot (which undoes everything else too) forgets it.
NODE_MARKER=/run/llmfleet-real-node
NODE_SOCK="$NODE_DIR/containerd/containerd.sock"
NODE_SYSCTLS=(net.ipv4.ip_forward vm.overcommit_memory kernel.panic kernel.panic_on_oops)

node_components() { echo containerd kubelet kube-proxy; }

node_bin() { echo "${NODE_BIN:-$(cat "$STATE/node-bin-dir" 2>/dev/null)}"; }
node_ctr() { "$(node_bin)/ctr" --address "$NODE_SOCK" -n k8s.io "$@"; }
node_crictl() { "$(node_bin)/crictl" --runtime-endpoint "unix://$NODE_SOCK" --timeout 30s "$@"; }

node_healthy() { # <component>
  case "$1" in
    containerd) node_ctr version >/dev/null 2>&1 ;;
    kubelet) [[ "$(curl -fsS --max-time 5 "http://127.0.0.1:$KUBELET_HEALTHZ_PORT/healthz")" == ok ]] ;;
    kube-proxy) curl -fsS --max-time 5 "http://127.0.0.1:$PROXY_HEALTHZ_PORT/healthz" >/dev/null ;;
  esac
}

# Certificates of the node's clients, its serving certificate, and the API server's client for it.
node_pki() {
  sign_cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" clientAuth
  sign_cert kubelet-serving "/CN=$NODE_NAME" serverAuth "DNS:$NODE_NAME,IP:$NODE_IP"
  sign_cert kube-proxy "/CN=system:kube-proxy" clientAuth
  sign_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
}

node_record_host() {
  mkdir -p "$NODE_DIR/host"
  local s
  for s in "${NODE_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$NODE_DIR/host/sysctl"
  nft list tables >"$NODE_DIR/host/nft-tables" 2>/dev/null || true
  [[ -e /var/log/containers ]] || touch "$NODE_DIR/host/made-var-log-containers"
  [[ -e /run/containerd ]] || touch "$NODE_DIR/host/made-run-containerd"
}

# Before the API server starts: it advertises the bridge address.
node_prepare_host() {
  node_claim_host
  node_record_host
  node_network
}

# The host is ours unless another cluster's node runs. A node whose processes are gone without `down` (a killed
# session, say) left its changes behind: they are undone first, from that node's own record.
node_claim_host() {
  local other
  if [[ -f "$NODE_MARKER" ]]; then
    other="$(cat "$NODE_MARKER")"
    if pgrep -f -- "--config[= ]$other/(containerd|kubelet)/" >/dev/null; then
      die "the real node of $other runs on this machine (one per machine): bring that cluster down first"
    fi
    log "undoing what the real node of $other left behind (it did not go down)"
    (NODE_DIR="$other" node_host_cleanup)
  fi
  # Whatever a node without a record left (its state dir gone): the bridge and the KUBE-*/LLMFLEET-NODE chains.
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then
    log "removing bridge $NODE_BRIDGE left by a real node without a record"
    ip link del "$NODE_BRIDGE"
  fi
  node_iptables_cleanup
  echo "$NODE_DIR" >"$NODE_MARKER"
}

node_network() {
  log "creating bridge $NODE_BRIDGE ($NODE_IP/24)"
  ip link add "$NODE_BRIDGE" type bridge
  ip addr add "$NODE_IP/24" dev "$NODE_BRIDGE"
  ip link set "$NODE_BRIDGE" up
  # Only forwarding between pods on the bridge; nothing in or out through another interface.
  iptables -t mangle -N LLMFLEET-NODE
  iptables -t mangle -A LLMFLEET-NODE -i "$NODE_BRIDGE" ! -o "$NODE_BRIDGE" -j DROP
  iptables -t mangle -A LLMFLEET-NODE ! -i "$NODE_BRIDGE" -o "$NODE_BRIDGE" -j DROP
  iptables -t mangle -I FORWARD -j LLMFLEET-NODE
  mkdir -p "$NODE_DIR/cni/net.d"
  cat >"$NODE_DIR/cni/net.d/10-llmfleet.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "llmfleet",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$NODE_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$NODE_POD_SUBNET", "gateway": "$NODE_IP"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$NODE_DIR/cni/ipam"
      }
    }
  ]
}
EOF
}

node_containerd_config() {
  local d="$NODE_DIR/containerd"
  mkdir -p "$d"
  cat >"$d/config.toml" <<EOF
version = 3
root = "$d/root"
state = "$d/state"
temp = "$d/tmp"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing", "io.containerd.nri.v1.nri"]

[grpc]
  address = "$NODE_SOCK"

[ttrpc]
  address = "$d/containerd.sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"

[plugins."io.containerd.cri.v1.runtime"]
  # Without CAP_SYS_RESOURCE a container's oom_score_adj may only be raised.
  restrict_oom_score_adj = true
  enable_selinux = false
  # Network namespaces under the state dir, not /var/run/netns.
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = "$NODE_BIN/runc"
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = ["$CNI_BIN_DIR"]
    conf_dir = "$NODE_DIR/cni/net.d"
    max_conf_num = 1

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = "$NODE_SANDBOX_IMAGE"

[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
EOF
}

node_kubelet_config() {
  local d="$NODE_DIR/kubelet"
  mkdir -p "$d/root" "$d/pod-logs"
  kubeconfig kubelet "$d/kubeconfig"
  cat >"$d/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
tlsCertFile: $PKI/kubelet-serving.crt
tlsPrivateKeyFile: $PKI/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$NODE_SOCK
# cgroup v1 here, and no systemd.
cgroupDriver: cgroupfs
failCgroupV1: false
# No CAP_SYS_RESOURCE: the kubelet may not lower its own oom_score_adj.
oomScoreAdj: 0
failSwapOn: false
podLogsDir: $d/pod-logs
clusterDomain: cluster.local
registerWithTaints:
- {key: $NODE_TAINT_KEY, value: "true", effect: NoSchedule}
# Imported images cannot be pulled again: never collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
maxPods: 50
serializeImagePulls: false
EOF
}

node_kube_proxy_config() {
  local d="$NODE_DIR/kube-proxy"
  mkdir -p "$d"
  kubeconfig kube-proxy "$d/kubeconfig"
  cat >"$d/config.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $d/kubeconfig}
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $NODE_POD_SUBNET
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
# NodePorts only on the node's own address, never on the machine's other interfaces.
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false}
# Leave the host's conntrack settings alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
}

node_storage_manifests() {
  cat <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $NODE_STORAGE_CLASS
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: Immediate
reclaimPolicy: Retain
EOF
  local i
  for ((i = 1; i <= NODE_PV_COUNT; i++)); do
    mkdir -p "$NODE_DIR/volumes/pv-$i"
    cat <<EOF
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: real-pv-$i
  labels: {type: real-node}
spec:
  capacity: {storage: 50Gi}
  accessModes: [ReadWriteOnce, ReadWriteMany, ReadOnlyMany]
  storageClassName: $NODE_STORAGE_CLASS
  persistentVolumeReclaimPolicy: Retain
  local: {path: $NODE_DIR/volumes/pv-$i}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [$NODE_NAME]}
EOF
  done
}

# Imports an OCI or Docker image tarball into the node's containerd (pods use it with IfNotPresent).
node_import() { # <tar>
  local out
  out="$(node_ctr images import --all-platforms --no-unpack=false "$1" 2>&1)" || die "importing $1 failed: $out"
  log "imported $(echo "$out" | awk '/^unpacking|saved|^Importing/ {print}' | tr '\n' ' ')"
}

node_up() {
  NODE_BIN="$("$HERE/node-build.sh")"
  echo "$NODE_BIN" >"$STATE/node-bin-dir"
  local images
  images="$("$HERE/images/build.sh" pause)" || fail containerd "building the pause image failed"
  node_containerd_config
  node_kubelet_config
  node_kube_proxy_config

  start containerd env PATH="$NODE_BIN:$PATH" "$NODE_BIN/containerd" --config "$NODE_DIR/containerd/config.toml"
  wait_until containerd 30 node_healthy containerd
  local ref tar
  while read -r ref tar; do node_import "$tar"; done <<<"$images"

  start kubelet env PATH="$NODE_BIN:$PATH" "$BIN/kubelet" \
    --config="$NODE_DIR/kubelet/config.yaml" --kubeconfig="$NODE_DIR/kubelet/kubeconfig" \
    --root-dir="$NODE_DIR/kubelet/root" --cert-dir="$NODE_DIR/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" --node-labels="$NODE_LABEL"
  wait_until kubelet 60 node_healthy kubelet
  start kube-proxy "$BIN/kube-proxy" --config="$NODE_DIR/kube-proxy/config.yaml"
  wait_until kube-proxy 60 node_healthy kube-proxy
  local deadline=$((SECONDS + 90))
  until kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s >/dev/null 2>&1; do
    running kubelet || fail kubelet "kubelet exited"
    ((SECONDS < deadline)) || fail kubelet "node $NODE_NAME not Ready after 90s"
  done
  node_storage_manifests | kubectl create -f - >/dev/null || fail kubelet "creating the real node's volumes failed"
  log "real node $NODE_NAME Ready ($NODE_IP, pods $NODE_POD_SUBNET)"
}

# Stops every pod sandbox through the CRI (CNI DEL, unmounts), while containerd still runs.
node_stop_pods() {
  running containerd || return 0
  local ids
  ids="$(node_crictl pods -q 2>/dev/null || true)"
  if [[ -n "$ids" ]]; then
    log "stopping $(echo "$ids" | wc -l) pod sandbox(es) on $NODE_NAME"
    # shellcheck disable=SC2086
    node_crictl stopp $ids >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    node_crictl rmp -f $ids >/dev/null 2>&1 || true
  fi
}

# Undoes what node_up changed on the host; safe to run on a partly started node.
node_host_cleanup() {
  if [[ ! -d "$NODE_DIR" ]]; then
    if [[ "$(cat "$NODE_MARKER" 2>/dev/null)" == "$NODE_DIR" ]]; then rm -f "$NODE_MARKER"; fi
    return 0
  fi
  local pid
  # Shims outlive containerd; their command lines name the state dir.
  for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*$NODE_DIR" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  # Whatever still runs in pod cgroups.
  local procs
  find /sys/fs/cgroup/*/kubepods -name cgroup.procs 2>/dev/null | while read -r procs; do
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done <"$procs"
  done || true
  sleep 0.5
  find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null || true
  # Mounts under the node's dir, deepest first.
  local m
  findmnt -rn -o TARGET | grep -F -- "$NODE_DIR" | sort -r | while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done || true
  if ip link show "$NODE_BRIDGE" >/dev/null 2>&1; then ip link del "$NODE_BRIDGE"; fi
  node_iptables_cleanup
  if [[ -f "$NODE_DIR/host/sysctl" ]]; then
    local line
    while read -r line; do sysctl -q -w "$line" >/dev/null || log "could not restore $line"; done <"$NODE_DIR/host/sysctl"
  fi
  [[ -f "$NODE_DIR/host/made-var-log-containers" ]] && rm -rf /var/log/containers
  [[ -f "$NODE_DIR/host/made-run-containerd" ]] && rm -rf /run/containerd
  rm -rf "$NODE_DIR"
  if [[ "$(cat "$NODE_MARKER" 2>/dev/null)" == "$NODE_DIR" ]]; then rm -f "$NODE_MARKER"; fi
}

# Removes the KUBE-* chains of the kubelet and kube-proxy and our LLMFLEET-NODE, keeping every other rule,
# then the nft tables that did not exist before `up` and are empty now.
node_iptables_cleanup() {
  local cmd
  for cmd in iptables ip6tables; do
    command -v "$cmd-save" >/dev/null || continue
    # grep finds nothing to keep on a host without rules: not a failure.
    "$cmd-save" | { grep -vE -- '(^:|-A |-j |-g )(KUBE-|LLMFLEET-)' || true; } | "$cmd-restore" || log "$cmd cleanup failed"
  done
  local family table
  nft list tables 2>/dev/null | while read -r _ family table; do
    grep -qx "table $family $table" "$NODE_DIR/host/nft-tables" 2>/dev/null && continue
    # Rules are the handled lines that are neither the table nor a chain.
    if ! nft -a list table "$family" "$table" | grep '# handle' | grep -qvE '^\s*(table|chain) '; then
      nft delete table "$family" "$table" 2>/dev/null || true
    fi
  done || true
}

