#!/usr/bin/env bash
# The README's demo: a local control plane with GPU nodes, the CRDs, the operator running from its jar,
# and the resources of examples/ in namespace llmfleet-demo.
#
#   demo.sh up     start everything (building what is missing), then show `kubectl get llmfleet`
#   demo.sh down   stop the operator and the cluster, remove their state
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR="$REPO/operator/target/llmfleet-operator.jar"
NAMESPACE=llmfleet-demo

log() { printf '[demo] %s\n' "$*" >&2; }

# Inside the cluster's state dir (same default as cluster.sh), so `cluster.sh down` also removes it.
demo_dir() { echo "${LLMFLEET_CLUSTER_DIR:-$HERE/.state}/demo"; }

up() {
  eval "$(bash "$HERE/cluster.sh" up)"
  local dir; dir="$(demo_dir)"
  mkdir -p "$dir"
  if [[ ! -f "$JAR" ]]; then
    log "building the operator jar"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests -pl operator -am) >&2
  fi
  log "installing the CRDs"
  kubectl apply --server-side --force-conflicts -f "$REPO/crds" >&2
  kubectl wait --for=condition=Established --timeout=60s -f "$REPO/crds" >&2
  if [[ -f "$dir/operator.pid" ]] && kill -0 "$(cat "$dir/operator.pid")" 2>/dev/null; then
    log "the operator is already running (pid $(cat "$dir/operator.pid"))"
  else
    log "starting the operator; its log is $dir/operator.log"
    LLMFLEET_HTTP_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')" \
      setsid java -jar "$JAR" run >"$dir/operator.log" 2>&1 </dev/null &
    echo $! >"$dir/operator.pid"
  fi
  kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >&2
  kubectl -n "$NAMESPACE" apply -f "$REPO/examples" >&2
  log "waiting for the operator to report on every resource"
  for _ in $(seq 90); do
    [[ "$(unreported)" == 0 ]] && break
    sleep 1
  done
  kubectl -n "$NAMESPACE" get llmfleet
  cat <<EOT

The demo runs in namespace $NAMESPACE. To use kubectl against it:
  eval "\$(bash $HERE/cluster.sh env)"
Stop it with:
  bash $HERE/demo.sh down
EOT
}

# Resources without status.observedGeneration: the operator has not reconciled them yet.
unreported() {
  kubectl -n "$NAMESPACE" get llmfleet \
    -o jsonpath='{range .items[*]}{.metadata.name}={.status.observedGeneration}{"\n"}{end}' | grep -c '=$' || true
}

down() {
  local dir; dir="$(demo_dir)"
  if [[ -f "$dir/operator.pid" ]]; then
    local pid; pid="$(cat "$dir/operator.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping the operator (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  bash "$HERE/cluster.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up | down" >&2; exit 2 ;;
esac
