#!/usr/bin/env bash
# Downloader benchmark (not a test), issue 15: our downloader, `hf download` and curl side by side, one run
# each, against the same test origin on loopback (e2e/src/test/java/dev/llmfleet/e2e/origin).
#
# Workloads:
#   A. a 4-shard Hub repository: 4 x BENCH_SHARD_BYTES (default 1 GiB) safetensors (LFS, redirected to the
#      origin's CDN) plus tokenizer and config files (served by the Hub itself);
#   B. one BENCH_GGUF_BYTES (default 4 GiB) GGUF over HTTP (`hf download` can only fetch from a repository:
#      it gets the same size from a one-file repository of the same origin);
#   C. a latency-bound repository: 200 files of 1 MiB, every response of that origin (listings, HEADs,
#      redirects, files) waiting 50 ms before its first byte.
# Plus, after B, ours twice more with an AppCDS archive (one run dumps it, the next uses it): not in the image,
# measured to say what it would save.
# Tools:
#   - ours: the whole process as the download pod runs it, `java -jar operator/target/llmfleet-operator.jar
#     download ...` with JAVA_TOOL_OPTIONS = JarPods.JVM_OPTIONS, reading its Download from a local control
#     plane, verifying every file (sha256 for LFS files and HTTP, git blob sha1 for small Hub files) and
#     patching status.progress as it goes;
#   - `hf download` of huggingface_hub 2.4.0 (installed from PyPI into a venv under BENCH_DIR), its default
#     workers (8), HF_HUB_DISABLE_XET=1: Xet storage needs Hugging Face's CAS servers, which cannot exist
#     here, so it takes its plain-HTTP path; it checks each file's size, it hashes nothing;
#   - curl: `curl -Z --parallel-max <ours>` for A and C, `curl -o` for B; it checks nothing beyond HTTP.
# Measures: wall time of each process; throughput ratios ours/hf and ours/curl (same bytes, so the inverse
# ratio of the times); peak RSS (GNU time's maximum resident set size: the bench runs on the host, not in a
# pod); time from process start to its first request and to its first request for a file's bytes, from
# the origin's request log (epoch milliseconds) against the start taken just before the exec.
# The downloader reads a Download and reports into its status, so a local control plane is brought up
# (e2e/cluster/cluster.sh, without the real node) unless one is already running for LLMFLEET_CLUSTER_DIR.
#
#   e2e/bench/downloader-bench.sh     # the issue's sizes; prints the table, writes docs/benchmarks.md
#   BENCH_SHARD_BYTES=268435456 BENCH_GGUF_BYTES=1073741824 BENCH_WORKLOADS="B" e2e/bench/downloader-bench.sh
#
# Environment: LLMFLEET_CLUSTER_DIR (default /tmp/llmfleet-bench-cluster), BENCH_DIR (default
# /tmp/llmfleet-bench; its venv is kept between runs), BENCH_WORKLOADS (default "A B C"), BENCH_SHARD_BYTES,
# BENCH_GGUF_BYTES, BENCH_DOCS (default: true at the issue's sizes with every workload, else false),
# BENCH_JVM_OPTIONS (default: JarPods.JVM_OPTIONS, read from its source), BENCH_BUILD (default true; false
# reuses the jar and classes of the last run, kept in BENCH_DIR/build).
set -euo pipefail
cd "$(dirname "$0")/../.."

export LLMFLEET_CLUSTER_DIR="${LLMFLEET_CLUSTER_DIR:-/tmp/llmfleet-bench-cluster}"
WORK="${BENCH_DIR:-/tmp/llmfleet-bench}"
GIB=$((1024 * 1024 * 1024))
MIB=$((1024 * 1024))
SHARD="${BENCH_SHARD_BYTES:-$GIB}"
GGUF="${BENCH_GGUF_BYTES:-$((4 * GIB))}"
WORKLOADS="${BENCH_WORKLOADS:-A B C}"
FULL=false
[[ "$SHARD" == "$GIB" && "$GGUF" == "$((4 * GIB))" && "$WORKLOADS" == "A B C" ]] && FULL=true
DOCS="${BENCH_DOCS:-$FULL}"
SMALL_FILES=200
DELAY_MS=50
HF_VERSION=2.4.0
# Files fetched at once by the downloader (Downloader.Settings.fromEnvironment); curl -Z gets the same.
PARALLEL=$(grep -oE 'nonBlank\(env.get\("LLMFLEET_RUN"\)\), [0-9]+' \
  operator/src/main/java/dev/llmfleet/inpod/downloader/Downloader.java | grep -oE '[0-9]+$')
LARGE_AT_ONCE=$(sed -nE 's/.*LARGE_FILES_AT_ONCE = ([0-9]+);.*/\1/p' operator/src/main/java/dev/llmfleet/inpod/downloader/Downloader.java)
JVM_OPTIONS="${BENCH_JVM_OPTIONS:-$(sed -n '/JVM_OPTIONS =/,/;/p' operator/src/main/java/dev/llmfleet/common/JarPods.java \
  | grep -oE '"[^"]*"' | tr -d '"\n' | tr -s ' ' | sed 's/ *$//')}"
NAMESPACE=bench

# shellcheck source=e2e/bench/bench-lib.sh
source e2e/bench/bench-lib.sh

# GNU time reports the peak RSS ("Maximum resident set size"); bash's `time` keyword does not.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  log "installing GNU time"
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
command -v curl >/dev/null || { log "curl is needed"; exit 1; }

mkdir -p "$WORK"
find "$WORK" -mindepth 1 -maxdepth 1 ! -name venv ! -name build -exec rm -rf {} +
HF="$WORK/venv/bin/hf"
if ! "$HF" version 2>/dev/null | grep -q "$HF_VERSION"; then
  log "installing huggingface_hub $HF_VERSION into $WORK/venv"
  python3 -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q "huggingface_hub==$HF_VERSION"
fi

# Copies of the jar and the origin's classes: other builds may clean target/ while the bench runs.
if [[ "${BENCH_BUILD:-true}" != false || ! -f "$WORK/build/llmfleet-operator.jar" ]]; then
  bench_build
  rm -rf "$WORK/build" && mkdir -p "$WORK/build"
  cp operator/target/llmfleet-operator.jar "$WORK/build/"
  cp -r e2e/target/test-classes "$WORK/build/"
  mv "$WORK/classpath.txt" "$WORK/build/"
fi
CLASSPATH_E2E="$WORK/build/test-classes:$(cat "$WORK/build/classpath.txt")"
JAR="$WORK/build/llmfleet-operator.jar"

ORIGIN_PIDS=()
cleanup() {
  for pid in "${ORIGIN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if $STARTED_CLUSTER; then
    bash e2e/cluster/cluster.sh down >/dev/null 2>&1 || true
  else
    kubectl delete namespace "$NAMESPACE" --wait=false >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK/out"
}
trap cleanup EXIT

bench_cluster_up
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# An origin with its request log; waits until it has hashed its files. Sets ORIGIN_URL.
origin() { # <name> <args...>
  local name="$1"
  shift
  java -cp "$CLASSPATH_E2E" dev.llmfleet.e2e.origin.TestOriginMain --log-requests "$@" >"$WORK/origin-$name.out" 2>&1 &
  ORIGIN_PIDS+=($!)
  for _ in $(seq 1 900); do
    grep -q '^ready' "$WORK/origin-$name.out" && break
    kill -0 "${ORIGIN_PIDS[-1]}" || { cat "$WORK/origin-$name.out" >&2; exit 1; }
    sleep 0.2
  done
  grep -q '^ready' "$WORK/origin-$name.out" || { log "origin $name not ready"; exit 1; }
  ORIGIN_URL=$(awk '$1 == "file" { sub("/(files|bench)/.*", "", $2); print $2; exit }' "$WORK/origin-$name.out")
}

hub_download() { # <download name> <repo> <endpoint>
  kubectl apply -f - >/dev/null <<EOF
apiVersion: llmfleet.dev/v1alpha1
kind: Download
metadata: {name: $1, namespace: $NAMESPACE}
spec:
  source: {huggingFace: {repo: "$2", endpoint: "$3"}}
  storage: {existingClaim: bench}
EOF
}

log "starting the test origins (they hash their files first)"
ARGS_AB=()
if [[ " $WORKLOADS " == *" A "* ]]; then
  ARGS_AB+=(--repo "bench/shards=config.json=700,generation_config.json=180,special_tokens_map.json=550,tokenizer_config.json=50000,tokenizer.json=$((7 * MIB)),model.safetensors.index.json=24000,model-00001-of-00004.safetensors=$SHARD,model-00002-of-00004.safetensors=$SHARD,model-00003-of-00004.safetensors=$SHARD,model-00004-of-00004.safetensors=$SHARD")
fi
if [[ " $WORKLOADS " == *" B "* ]]; then
  ARGS_AB+=("bench.gguf=$GGUF" --repo "bench/gguf=model.gguf=$GGUF")
fi
if ((${#ARGS_AB[@]})); then
  origin ab "${ARGS_AB[@]}"
  URL_AB="$ORIGIN_URL"
fi
if [[ " $WORKLOADS " == *" C "* ]]; then
  entries=$(for i in $(seq -f '%03g' 0 $((SMALL_FILES - 1))); do printf 'file-%s.bin=%d,' "$i" "$MIB"; done)
  origin c --first-byte-delay-ms "$DELAY_MS" --repo "bench/small=${entries%,}"
  URL_C="$ORIGIN_URL"
fi

[[ " $WORKLOADS " == *" A "* ]] && hub_download bench-a bench/shards "$URL_AB"
if [[ " $WORKLOADS " == *" B "* ]]; then
  read -r _ URL_B SHA_B < <(grep '/files/bench.gguf ' "$WORK/origin-ab.out")
  kubectl apply -f - >/dev/null <<EOF
apiVersion: llmfleet.dev/v1alpha1
kind: Download
metadata: {name: bench-b, namespace: $NAMESPACE}
spec:
  source: {http: {url: "$URL_B", sha256: "$SHA_B"}}
  storage: {existingClaim: bench}
EOF
fi
[[ " $WORKLOADS " == *" C "* ]] && hub_download bench-c bench/small "$URL_C"

# One run of a tool into an empty folder, under GNU time; records "<wall s> <peak RSS KiB> <start ms>
# <end ms> <bytes on disk>" in $WORK/<label>.run. The command's own output goes to $WORK/<label>.{out,err}.
measure() { # <label> <folder> <command...>
  local label="$1" folder="$2" start end
  shift 2
  rm -rf "$WORK/out" && mkdir -p "$folder"
  sync
  start=$(date +%s%N)
  if ! /usr/bin/time -v -o "$WORK/$label.time" "$@" >"$WORK/$label.out" 2>"$WORK/$label.err"; then
    log "$label failed:"
    tail -20 "$WORK/$label.err" >&2
    exit 1
  fi
  end=$(date +%s%N)
  local bytes
  bytes=$(find "$folder" -type f ! -path '*/.cache/*' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", (b - a) / 1e9 }') \
$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$WORK/$label.time") $((start / 1000000)) $((end / 1000000)) $bytes" \
    >"$WORK/$label.run"
  rm -rf "$WORK/out"
}

# Seconds from the start to the first request, and to the first request for a file's bytes (a GET that
# is not a listing), in the origin's log between start and end.
first_requests() { # <origin name> <label>
  read -r _ _ start end _ <"$WORK/$2.run"
  awk -v a="$start" -v b="$end" '
    $1 == "request" && $2 >= a && $2 <= b + 1000 {
      if (any == "") any = $2
      if (body == "" && $3 ~ /GET$/ && $4 !~ /^\/api\//) body = $2
    }
    END { printf "%.2f %.2f\n", (any - a) / 1000, (body - a) / 1000 }' "$WORK/origin-$1.out"
}

ours() { # <label> <download name>
  measure "$1" "$WORK/out" env JAVA_TOOL_OPTIONS="$JVM_OPTIONS" LLMFLEET_RUN="$2-bench" \
    java -jar "$JAR" download --namespace "$NAMESPACE" --name "$2" --root "$WORK/out"
  grep -q '^done: every file complete and verified' "$WORK/$1.out"
}
hf() { # <label> <endpoint> <repo>
  measure "$1" "$WORK/out/hf" env HF_ENDPOINT="$2" HF_HUB_DISABLE_XET=1 HF_HOME="$WORK/hf-home" \
    HF_HUB_DISABLE_TELEMETRY=1 HF_HUB_DISABLE_PROGRESS_BARS=1 "$HF" download "$3" --local-dir "$WORK/out/hf"
  rm -rf "$WORK/hf-home"
}
curl_z() { # <label> <endpoint> <repo> <paths...>
  local label="$1" endpoint="$2" repo="$3" args=()
  shift 3
  for path in "$@"; do args+=(-o "$WORK/out/curl/$path" "$endpoint/$repo/resolve/main/$path"); done
  measure "$label" "$WORK/out/curl" curl -sS -f -L -Z --parallel-max "$PARALLEL" "${args[@]}"
}
repo_paths() { # <origin name> <repo>: its files, as the origin lists them
  awk -v r="/$2/resolve/main/" '$1 == "file" && index($2, r) { print substr($2, index($2, r) + length(r)) }' "$WORK/origin-$1.out"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [[ " $WORKLOADS " == *" A "* ]]; then
  mapfile -t PATHS_A < <(repo_paths ab bench/shards)
  log "A: ${#PATHS_A[@]} files, 4 x $((SHARD / MIB)) MiB shards: ours, hf download, curl -Z"
  ours A-ours bench-a
  hf A-hf "$URL_AB" bench/shards
  curl_z A-curl "$URL_AB" bench/shards "${PATHS_A[@]}"
fi
if [[ " $WORKLOADS " == *" B "* ]]; then
  log "B: one $((GGUF / MIB)) MiB GGUF: ours (HTTP), hf download (a one-file repository), curl -o"
  ours B-ours bench-b
  hf B-hf "$URL_AB" bench/gguf
  measure B-curl "$WORK/out/curl" curl -sS -f -o "$WORK/out/curl/bench.gguf" "$URL_B"
  # Not in the image (Jib lays the classes out as folders, which a JDK 17 archive cannot hold, and cannot run the
  # JVM to dump one): what an AppCDS archive of this very run would save, from a dump run, then a run using it.
  log "B again: ours with an AppCDS archive dumped by a first run (not reported), to measure what it would save"
  JVM_OPTIONS_PLAIN="$JVM_OPTIONS"
  JVM_OPTIONS="$JVM_OPTIONS_PLAIN -XX:ArchiveClassesAtExit=$WORK/app.jsa"
  ours B-ours-dump bench-b
  JVM_OPTIONS="$JVM_OPTIONS_PLAIN -XX:SharedArchiveFile=$WORK/app.jsa"
  ours B-ours-cds bench-b
  JVM_OPTIONS="$JVM_OPTIONS_PLAIN"
fi
if [[ " $WORKLOADS " == *" C "* ]]; then
  mapfile -t PATHS_C < <(repo_paths c bench/small)
  log "C: $SMALL_FILES files of 1 MiB, ${DELAY_MS} ms before each response's first byte: ours, hf download, curl -Z"
  ours C-ours bench-c
  hf C-hf "$URL_C" bench/small
  curl_z C-curl "$URL_C" bench/small "${PATHS_C[@]}"
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
MEM=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
JAVA=$(java -version 2>&1 | head -1)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
field() { awk -v n="$2" '{ print $n }' "$WORK/$1.run"; }
mib() { awk -v k="$(field "$1" 2)" 'BEGIN { printf "%.0f", k / 1024 }'; }
check() { # <value> <op> <goal>: yes/no
  awk -v v="$1" -v g="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= g : v <= g; print ok ? "yes" : "no" }'
}

{
  echo "| Workload | Tool | Wall time | MB/s | Peak RSS | Start to first request / first file byte requested | Verifies |"
  echo "|---|---|---|---|---|---|---|"
  for w in $WORKLOADS; do
    case $w in
      A) what="4 x $((SHARD / MIB)) MiB + 6 small files" ;;
      B) what="$((GGUF / MIB)) MiB GGUF" ;;
      C) what="$SMALL_FILES x 1 MiB, +${DELAY_MS} ms" ;;
    esac
    origin_name=ab
    [[ $w == C ]] && origin_name=c
    for tool in ours hf curl; do
      label="$w-$tool"
      case $tool in
        ours)
          name="ours (whole process)"
          case $w in
            A) verifies="sha256 of each shard, git blob sha1 of each small file, sizes" ;;
            B) verifies="sha256, size" ;;
            C) verifies="git blob sha1 of each file (what the Hub lists for non-LFS files), sizes" ;;
          esac ;;
        hf) name="hf download $HF_VERSION"; verifies="size only" ;;
        curl) name=$([[ $w == B ]] && echo "curl -o" || echo "curl -Z --parallel-max $PARALLEL"); verifies="nothing (HTTP framing)" ;;
      esac
      read -r any body < <(first_requests "$origin_name" "$label")
      printf '| %s: %s | %s | %s s | %s | %s MiB | %s s / %s s | %s |\n' "$w" "$what" "$name" "$(field "$label" 1)" \
        "$(awk -v n="$(field "$label" 5)" -v s="$(field "$label" 1)" 'BEGIN { printf "%.0f", n / 1e6 / s }')" \
        "$(mib "$label")" "$any" "$body" "$verifies"
    done
  done
} >"$WORK/table.md"

# Where our wall time goes: before the first byte requested, the transfer as its own "fetched 1.0 GiB in 1.8s"
# line counts it (first request to the last file verified, fsync included), and after it (last status report, exit).
{
  echo "| Ours | Wall time | Start to first file byte requested | Transfer (its own figure) | After the transfer |"
  echo "|---|---|---|---|---|"
  labels=""
  for w in $WORKLOADS; do labels+=" $w-ours"; done
  [[ -f "$WORK/B-ours-cds.run" ]] && labels+=" B-ours-cds"
  for label in $labels; do
    origin_name=ab
    [[ $label == C-* ]] && origin_name=c
    read -r _ body < <(first_requests "$origin_name" "$label")
    transfer=$(sed -nE 's/^fetched .* in ([0-9.]+)s .*/\1/p' "$WORK/$label.out")
    name="${label%%-*}"
    [[ $label == *-cds ]] && name="B, with an AppCDS archive ($(mib "$label") MiB peak RSS)"
    echo "| $name | $(field "$label" 1) s | $body s | $transfer s | $(awk -v w="$(field "$label" 1)" -v b="$body" -v t="$transfer" 'BEGIN { printf "%.2f", w - b - t }') s |"
  done
} >"$WORK/where.md"

{
  echo "| Goal | Measured | Met |"
  echo "|---|---|---|"
  for w in $WORKLOADS; do
    r=$(ratio "$(field "$w-hf" 1)" "$(field "$w-ours" 1)")
    echo "| $w: ours / hf download throughput >= 1.0 | $r | $(check "$r" ">=" 1.0) |"
    if [[ $w != C ]]; then
      r=$(ratio "$(field "$w-curl" 1)" "$(field "$w-ours" 1)")
      echo "| $w: ours / curl throughput >= 0.9 | $r | $(check "$r" ">=" 0.9) |"
      echo "| $w: peak RSS of ours <= 128 MiB | $(mib "$w-ours") MiB | $(check "$(mib "$w-ours")" "<=" 128) |"
    else
      echo "| C: ours / curl throughput (no goal) | $(ratio "$(field "$w-curl" 1)" "$(field "$w-ours" 1)") | |"
    fi
    origin_name=ab
    [[ $w == C ]] && origin_name=c
    read -r _ body < <(first_requests "$origin_name" "$w-ours")
    echo "| $w: start to first file byte requested <= 0.5 s | $body s | $(check "$body" "<=" 0.5) |"
  done
} >"$WORK/goals.md"

{
  echo "downloader benchmark, $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD), $CPU ($(nproc) cores), $MEM, $JAVA"
  echo "ours: JAVA_TOOL_OPTIONS=\"$JVM_OPTIONS\", $PARALLEL files at once (at most $LARGE_AT_ONCE large ones); load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
  echo
  cat "$WORK/table.md"
  echo
  cat "$WORK/where.md"
  echo
  cat "$WORK/goals.md"
} | tee "$WORK/results.txt"

if [[ "$DOCS" == true ]]; then
  DOC=docs/benchmarks.md
  HEADING="## Downloader: ours, hf download and curl (issue 15)"
  {
    echo "$HEADING"
    echo
    echo "From one run of \`e2e/bench/downloader-bench.sh\` (workloads, tools and measures are described at the top of"
    echo "the script). Every tool fetches from the same test origin on loopback, one after the other."
    echo
    echo "- Date: $(date -u '+%F %H:%M') UTC, commit $(git rev-parse --short HEAD)"
    echo "- Machine: $CPU ($(nproc) cores), $MEM, $JAVA; load average before/after: $LOAD_BEFORE / $LOAD_AFTER"
    echo "- Ours: \`java -jar operator/target/llmfleet-operator.jar download\` with JAVA_TOOL_OPTIONS=\`$JVM_OPTIONS\`"
    echo "  (JarPods.JVM_OPTIONS), $PARALLEL files at once (at most $LARGE_AT_ONCE of 16 MiB or more), against a local control"
    echo "  plane without the real node. curl -Z gets the same $PARALLEL."
    echo "- \`hf download\`: huggingface_hub $HF_VERSION from PyPI, default workers, \`HF_HUB_DISABLE_XET=1\`: Xet storage"
    echo "  needs Hugging Face's CAS servers, which cannot exist here, so it takes its plain-HTTP path. For B it fetches"
    echo "  the same size from a one-file repository (it cannot fetch a plain URL)."
    echo "- Peak RSS is GNU time's maximum resident set size of the process (the bench runs on the host, not in a pod);"
    echo "  start to first request is from the origin's request log (epoch ms) against the start taken before the exec."
    echo
    cat "$WORK/table.md"
    echo
    cat "$WORK/where.md"
    echo
    cat "$WORK/goals.md"
    echo
  } >"$WORK/section.md"
  # Replace this section if it is there (up to the next "## " heading), keep every other one.
  awk -v heading="$HEADING" -v section="$WORK/section.md" '
    $0 == heading { skip = 1; while ((getline line < section) > 0) print line; done = 1; next }
    skip && /^## / { skip = 0 }
    !skip { print }
    END { if (!done) { print ""; while ((getline line < section) > 0) print line } }' "$DOC" >"$WORK/benchmarks.md"
  cp "$WORK/benchmarks.md" "$DOC"
  log "wrote the section \"$HEADING\" of $DOC"
fi
log "results in $WORK/results.txt, logs of each run in $WORK"
