#!/usr/bin/env bash
# Scale and fault benchmark (not a test) of the operator, run as its jar, on the local control plane. For each
# fleet size N (a fresh operator and fresh namespaces each):
#  - convergence of N ModelServers (1 replica, 10m CPU, on a KWOK node of their own) until all are Ready,
#    against creating the same Deployments and Services directly and waiting until they are available;
#  - reconcile latency create -> Deployment exists: 20 ModelServers one at a time on an idle fleet, and the
#    N of the fleet while they converge;
#  - steady state: changed resourceVersions of ModelServers, Deployments, Services plus operator events
#    over one quiet minute;
#  - footprint: operator RSS (/proc/<pid>/status VmRSS) and heap (jvm_memory_used_bytes, area=heap, from
#    /metrics) after convergence; start-up time to /readyz.
# Then, on the last fleet:
#  - failover: a second replica, kill -9 the leader, time until a new ModelServer has its Deployment;
#  - kube-apiserver crash (cluster.sh crash-apiserver: kill -9, same command line again), time until a new
#    ModelServer is reconciled.
# And on its own: the restart scenario, kill -9 of the operator while 20 Downloads are in flight (real downloader
# processes fetching from a throttled local origin, in place of the pods KWOK does not run) and 200 ModelServers
# converge; a new process must finish all with one Job per run and one Deployment per ModelServer.
# The API server crash makes the cluster unusable for anything else meanwhile: run it on a cluster of its
# own (the default LLMFLEET_CLUSTER_DIR below is one), not on the one the e2e tests use.
#
#   e2e/bench/scale-bench.sh [N...]     # fleet sizes, default: 100 500 1000 (about 40 minutes on 2 cores)
#
# Prints a table and writes docs/benchmarks.md, keeping its "## Findings" section (written by hand).
# Environment: LLMFLEET_CLUSTER_DIR (default /tmp/llmfleet-scale-bench-cluster), BENCH_DIR (default
# /tmp/llmfleet-scale-bench), BENCH_JVM_OPTIONS (default: what the chart's pod gets, its javaOptions under its
# 512Mi memory limit).
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=("$@")
((${#SIZES[@]})) || SIZES=(100 500 1000)
export LLMFLEET_CLUSTER_DIR="${LLMFLEET_CLUSTER_DIR:-/tmp/llmfleet-scale-bench-cluster}"
WORK="${BENCH_DIR:-/tmp/llmfleet-scale-bench}"
# What the chart's pod gets: its javaOptions under its 512Mi memory limit, and MALLOC_ARENA_MAX.
CHART_JVM_OPTIONS=$(sed -n 's/^  javaOptions: "\(.*\)"$/\1/p' helm/llmfleet-operator/values.yaml)
export BENCH_JVM_OPTIONS="${BENCH_JVM_OPTIONS:--XX:MaxRAM=512m $CHART_JVM_OPTIONS}"
export MALLOC_ARENA_MAX=2
# shellcheck source=e2e/bench/bench-lib.sh
source e2e/bench/bench-lib.sh
rm -rf "$WORK" && mkdir -p "$WORK"

bench_build
# Copies, so that a build in this tree during the run cannot pull them away.
cp operator/target/llmfleet-operator.jar "$WORK/"
cp -r e2e/target/test-classes "$WORK/test-classes"
OPERATOR_ARTIFACT=$(tr ':' '\n' <"$WORK/classpath.txt" | grep '/llmfleet-operator-[^/]*\.jar$')
cp "$OPERATOR_ARTIFACT" "$WORK/operator-classes.jar"
sed -i "s|$OPERATOR_ARTIFACT|$WORK/operator-classes.jar|" "$WORK/classpath.txt"

cleanup() {
  if $STARTED_CLUSTER; then bash e2e/cluster/cluster.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
bench_cluster_up

log "running the benchmark with N=${SIZES[*]} (its log: $WORK/bench.log; operator logs in e2e/target/operator-processes)"
# From e2e/, as the tests run (the repository is ..).
BENCH_RC=0
(cd e2e && BENCH_RESULTS="$WORK/results.txt" java -Dllmfleet.jar="$WORK/llmfleet-operator.jar" \
  -cp "$WORK/test-classes:$(cat "$WORK/classpath.txt")" dev.llmfleet.e2e.bench.ScaleBench "${SIZES[@]}") \
  >"$WORK/bench.log" 2> >(tee -a "$WORK/bench.log" >&2) || BENCH_RC=$?

# A figure the run did not reach shows as "failed": the tables still hold what was measured before.
declare -A R
while read -r key value; do R[$key]=$value; done <"$WORK/results.txt"
get() { echo "${R[$1]:-failed}"; }
row() { # <measure> <unit> <goal> <key>...: one column per fleet size, "a / b" when two keys
  local line="| $1 |" n key value
  for n in "${SIZES[@]}"; do
    value=""
    for key in "${@:4}"; do value+="${value:+ / }$(get "$key@$n")"; done
    line+=" $value$2 |"
  done
  echo "$line $3 |"
}

CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
MEM="$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
JAVA="$(java -version 2>&1 | head -1)"
DATE="$(date -u '+%Y-%m-%d %H:%M UTC')"
COMMIT="$(git rev-parse --short HEAD)"

HEAD="| Measure |"; RULE="|---|"
for n in "${SIZES[@]}"; do HEAD+=" N=$n |"; RULE+="---|"; done
TABLE="$HEAD Goal |
$RULE---|
$(row "Convergence: N ModelServers until all Ready" " s" "" converge_operator_s)
$(row "Same Deployments + Services created directly, until available" " s" "" converge_direct_s)
$(row "Ratio operator / direct" "" "<= 1.3 at N=1000" converge_ratio)
$(row "Reconcile latency create -> Deployment, idle fleet, p50 / p99 (20 samples)" " ms" "" \
  latency_idle_p50_ms latency_idle_p99_ms)
$(row "Reconcile latency create -> Deployment, while the N converge, p50 / p99" " ms" "" \
  latency_load_p50_ms latency_load_p99_ms)
$(row "Steady state: objects checked (ModelServers, Deployments, Services)" "" "" steady_objects_checked)
$(row "Steady state: writes in one quiet minute (changed resourceVersions + events)" "" "0" steady_writes_per_min)
$(row "Operator RSS after convergence" " MiB" "<= 256 MiB at N=1000" operator_rss_mib)
$(row "Operator heap used after convergence" " MiB" "" operator_heap_used_mib)
$(row "Start-up to /readyz (process start)" " s" "" startup_to_ready_s)

| Fault, on the N=${SIZES[-1]} fleet | Value | Goal |
|---|---|---|
| Failover: kill -9 leader -> survivor reconciles a new ModelServer | $(get failover_s) s | <= 15 s |
| kube-apiserver crash: kill -9 until it answers again | $(get apiserver_back_s) s | |
| kube-apiserver crash: change made then -> reconciled | $(get apiserver_change_reconciled_s) s | <= 30 s |
| Operator still running after the API server crash | $(get operator_alive_after_apiserver) | true |

| Restart: kill -9 with 20 Downloads in flight and 200 ModelServers converging | Value | Goal |
|---|---|---|
| Downloads in flight / Deployments existing at the kill | $(get restart_downloads_in_flight_at_kill) / $(get restart_deployments_at_kill) | |
| Kill -> every ModelServer Ready (new process) | $(get restart_servers_ready_s) s | |
| Kill -> every Download Succeeded (the origin sends 512 KiB/s per file: 192 s per 96 MiB download) | $(get restart_downloads_done_s) s | |
| Downloads Succeeded | $(get restart_downloads_succeeded) | 20/20 |
| Runs / Jobs per Download, most | $(get restart_runs_per_download_max) / $(get restart_jobs_per_download_max) | 1 / 1 |
| Downloads whose progress went backwards | $(get restart_progress_regressions) | 0 |
| Bytes fetched more than once, all Downloads | $(get restart_bytes_fetched_twice_mib) MiB | 0 |
| Deployments (distinct owners) | $(get restart_deployments) | 200/200 (200 owners) |
| New operator still running | $(get restart_operator_alive) | true |"

echo "$TABLE"
FINDINGS=""
if [[ -f docs/benchmarks.md ]]; then FINDINGS="$(sed -n '/^## Findings/,$p' docs/benchmarks.md)"; fi
mkdir -p docs
cat >docs/benchmarks.md <<MD
# Benchmarks

Scale and fault figures of the operator (issue 9), from one run of

    e2e/bench/scale-bench.sh ${SIZES[*]}

(\`e2e/bench/scale-bench.sh [N...]\`, default 100 500 1000; it brings up its own local control plane in
\`/tmp/llmfleet-scale-bench-cluster\` unless one runs there, and tears down what it started). What each figure
measures is described at the top of the script.

- Date: $DATE, commit $COMMIT
- Machine: $CPU, $MEM, $JAVA
- Cluster: e2e/cluster (etcd, kube-apiserver, kube-controller-manager, kube-scheduler as local processes, KWOK
  playing the kubelets); the operator runs as \`java -jar operator/target/llmfleet-operator.jar run\` with leader
  election on, the JVM options \`$BENCH_JVM_OPTIONS\` and MALLOC_ARENA_MAX=2 (the chart's, under its memory
  limit).

$TABLE

${FINDINGS:-## Findings
(none written yet)}
MD
log "wrote docs/benchmarks.md"
exit "$BENCH_RC"
