# Shared by the benchmark scripts; sourced from the repository root once WORK (their work folder) is set.

log() { printf '[bench] %s\n' "$*" >&2; }

# The operator jar and the e2e test classes, whose test classpath goes to $WORK/classpath.txt.
bench_build() {
  log "building the jar and the test classes"
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -pl e2e test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt"
}

# The local control plane of LLMFLEET_CLUSTER_DIR, brought up unless it runs (STARTED_CLUSTER=true then, set
# before `up` so that an exit trap also stops a half-started one), its env lines taken, the CRDs installed.
STARTED_CLUSTER=false
bench_cluster_up() {
  if ! bash e2e/cluster/cluster.sh status >/dev/null 2>&1; then
    log "starting the local control plane in $LLMFLEET_CLUSTER_DIR"
    STARTED_CLUSTER=true
  fi
  local env_lines
  # No real node: benchmarks need none, and there is one per machine (a test cluster may have it).
  env_lines=$(LLMFLEET_REAL_NODE="${LLMFLEET_REAL_NODE:-false}" bash e2e/cluster/cluster.sh up 2>"$WORK/cluster.log") || { cat "$WORK/cluster.log" >&2; exit 1; }
  eval "$env_lines"
  kubectl apply --server-side --force-conflicts -f crds/ >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null
}
