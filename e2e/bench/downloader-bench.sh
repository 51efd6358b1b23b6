#!/usr/bin/env bash
# Downloader benchmark (not a test): against the test origin on loopback,
#  - throughput for a 1 GiB file: `curl -o` (no verification) vs our downloader (sha256 verified),
#    one run of each, side by side, and their ratio;
#  - peak RSS of the downloader process for 1 GiB and 4 GiB, with the JVM's default settings and
#    with a heap cap. The cap includes the serial collector: the live heap is ~10 MiB, and on a big
#    host G1's own structures and default heap sizing, not the data, make most of the difference.
# The downloader reads a Download and reports into its status, so a local control plane is brought
# up (e2e/cluster/cluster.sh) unless one is already running for LLMFLEET_CLUSTER_DIR.
#
#   e2e/bench/downloader-bench.sh            # work files and results under /tmp/llmfleet-bench
#
# Environment: LLMFLEET_CLUSTER_DIR (default /tmp/llmfleet-bench-cluster), BENCH_DIR (default
# /tmp/llmfleet-bench), BENCH_CAP (default: the JVM options download pods get, as set in
# JarPods.JVM_OPTIONS).
set -euo pipefail
cd "$(dirname "$0")/../.."

export LLMFLEET_CLUSTER_DIR="${LLMFLEET_CLUSTER_DIR:-/tmp/llmfleet-bench-cluster}"
WORK="${BENCH_DIR:-/tmp/llmfleet-bench}"
CAP="${BENCH_CAP:--XX:+UseSerialGC -Xmx24m -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=96m -Xss512k -XX:CICompilerCount=2}"
GIB=$((1024 * 1024 * 1024))
NAMESPACE=bench

# shellcheck source=e2e/bench/bench-lib.sh
source e2e/bench/bench-lib.sh

# GNU time reports the peak RSS ("Maximum resident set size"); bash's `time` keyword does not.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  log "installing GNU time"
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
command -v curl >/dev/null || { log "curl is needed"; exit 1; }

rm -rf "$WORK" && mkdir -p "$WORK"

bench_build
CLASSPATH_E2E="e2e/target/test-classes:$(cat "$WORK/classpath.txt")"
JAR=operator/target/llmfleet-operator.jar

ORIGIN_PID=""
cleanup() {
  if [[ -n "$ORIGIN_PID" ]]; then kill "$ORIGIN_PID" 2>/dev/null || true; fi
  if $STARTED_CLUSTER; then
    bash e2e/cluster/cluster.sh down >/dev/null 2>&1 || true
  else
    kubectl delete namespace "$NAMESPACE" --wait=false >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK/curl" "$WORK/volume"
}
trap cleanup EXIT

bench_cluster_up
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

log "starting the test origin (it hashes its files first)"
java -cp "$CLASSPATH_E2E" dev.llmfleet.e2e.origin.TestOriginMain \
  bench-1g.bin=$GIB bench-4g.bin=$((4 * GIB)) >"$WORK/origin.out" 2>&1 &
ORIGIN_PID=$!
for _ in $(seq 1 300); do
  grep -q '^ready' "$WORK/origin.out" && break
  kill -0 "$ORIGIN_PID" || { cat "$WORK/origin.out" >&2; exit 1; }
  sleep 0.2
done
read -r _ URL_1G SHA_1G < <(grep '/files/bench-1g.bin ' "$WORK/origin.out")
read -r _ URL_4G SHA_4G < <(grep '/files/bench-4g.bin ' "$WORK/origin.out")

for size in 1g 4g; do
  url_var="URL_${size^^}" sha_var="SHA_${size^^}"
  kubectl apply -f - >/dev/null <<EOF
apiVersion: llmfleet.dev/v1alpha1
kind: Download
metadata: {name: bench-$size, namespace: $NAMESPACE}
spec:
  source: {http: {url: "${!url_var}", sha256: "${!sha_var}"}}
  storage: {existingClaim: bench}
EOF
done

seconds() { # <start ns> <end ns>
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'
}
mb_per_s() { # <bytes> <seconds>
  awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / 1e6 / s }'
}

# One run of the downloader into an empty volume; prints "<seconds> <peak RSS KiB>".
downloader() { # <name> <label> <JAVA_TOOL_OPTIONS>
  local name="$1" label="$2" options="$3"
  rm -rf "$WORK/volume" && mkdir -p "$WORK/volume"
  local start end
  start=$(date +%s%N)
  JAVA_TOOL_OPTIONS="$options" LLMFLEET_RUN="$name-bench" /usr/bin/time -v -o "$WORK/$label.time" \
    java -jar "$JAR" download --namespace "$NAMESPACE" --name "$name" --root "$WORK/volume" \
    >"$WORK/$label.out" 2>"$WORK/$label.err" || { log "$label failed:"; cat "$WORK/$label.err" >&2; return 1; }
  end=$(date +%s%N)
  grep -q '^done: every file complete and verified' "$WORK/$label.out"
  echo "$(seconds "$start" "$end") $(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$label.time")"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
log "curl -o, 1 GiB, no verification"
mkdir -p "$WORK/curl"
start=$(date +%s%N)
curl -sS -o "$WORK/curl/bench-1g.bin" "$URL_1G"
end=$(date +%s%N)
CURL_S=$(seconds "$start" "$end")
rm -f "$WORK/curl/bench-1g.bin"

log "downloader, 1 GiB, sha256 verified, default JVM settings"
run=$(downloader bench-1g 1g-default "") && read -r OURS_S RSS_1G_DEFAULT <<<"$run"
OURS_FETCH=$(grep '^fetched ' "$WORK/1g-default.out")
log "downloader, 4 GiB, default JVM settings"
run=$(downloader bench-4g 4g-default "") && read -r _ RSS_4G_DEFAULT <<<"$run"
log "downloader, 1 GiB and 4 GiB, $CAP"
run=$(downloader bench-1g 1g-cap "$CAP") && read -r _ RSS_1G_CAP <<<"$run"
run=$(downloader bench-4g 4g-cap "$CAP") && read -r _ RSS_4G_CAP <<<"$run"

CURL_MB=$(mb_per_s $GIB "$CURL_S")
OURS_MB=$(mb_per_s $GIB "$OURS_S")
# "fetched 1.0 GiB in 1.8s (...)": the transfer alone, from the first request to the verified file.
FETCH_S=$(sed -E 's/.* in ([0-9.]+)s .*/\1/' <<<"$OURS_FETCH")
FETCH_MB=$(mb_per_s $GIB "$FETCH_S")
{
  echo "downloader benchmark, $(date -u +%FT%TZ), $(nproc) CPUs, $(java -version 2>&1 | head -1)"
  echo "(one run each on a shared machine: see the load average; rerun for another sample)"
  echo "1 GiB over loopback, one run each:"
  printf '  %-44s %7s s %6s MB/s\n' "curl -o (no verification)" "$CURL_S" "$CURL_MB"
  printf '  %-44s %7s s %6s MB/s\n' "downloader, sha256 verified (whole process)" "$OURS_S" "$OURS_MB"
  printf '  %-44s %7s s %6s MB/s\n' "  of which the transfer (its own figure)" "$FETCH_S" "$FETCH_MB"
  echo "  ratio downloader/curl, whole process: $(awk -v a="$OURS_MB" -v b="$CURL_MB" 'BEGIN { printf "%.2f", a / b }')"
  echo "  ratio downloader/curl, transfer alone: $(awk -v a="$FETCH_MB" -v b="$CURL_MB" 'BEGIN { printf "%.2f", a / b }')"
  echo "  load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "peak RSS of the downloader (MiB):"
  printf '  %-28s %8s %8s\n' "" "1 GiB" "4 GiB"
  printf '  %-28s %8s %8s\n' "default JVM settings" "$((RSS_1G_DEFAULT / 1024))" "$((RSS_4G_DEFAULT / 1024))"
  printf '  %-28s %8s %8s\n' "$CAP" "$((RSS_1G_CAP / 1024))" "$((RSS_4G_CAP / 1024))"
} | tee "$WORK/results.txt"
log "results in $WORK/results.txt, logs of each run in $WORK"
