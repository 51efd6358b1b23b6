#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` from source into the per-machine cache and prints its path.
#
# The source is the llama.cpp tree vendored by the PyPI source package llama-cpp-python (PyPI is
# the only place here that serves it). A CPU-only build: no GPU exists on these machines.
# GGML_NATIVE=OFF keeps the binary portable across CPUs of this kind (it still uses AVX2/FMA/F16C);
# LLAMA_USE_PREBUILT_UI=OFF stops the build from downloading the web UI.
#
#   ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/llama-server-<version>_<hash>/llama-server
#
# About 20-40 minutes on 2 cores the first time; a warm run returns at once.
set -euo pipefail

LLAMA_CPP_PYTHON=0.3.36
# Bump when the flags below change.
BUILD_REV=1
CMAKE_FLAGS=(
  -G Ninja -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF
  -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON
  -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF
)

log() { printf '[llama-server] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

HASH="$(echo "rev=$BUILD_REV ${CMAKE_FLAGS[*]}" | sha256sum | cut -c1-8)"
CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/llama-server-${LLAMA_CPP_PYTHON}_$HASH"
OUT="$CACHE/llama-server"
if [[ -x "$OUT" ]]; then echo "$OUT"; exit 0; fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [[ -x "$OUT" ]]; then echo "$OUT"; exit 0; fi

for t in cmake ninja g++ pip; do command -v "$t" >/dev/null || die "$t is not on PATH"; done
start=$SECONDS
work="$CACHE/work"
rm -rf "$work"; mkdir -p "$work"
log "fetching the llama-cpp-python $LLAMA_CPP_PYTHON source package"
pip download --quiet --no-deps --no-binary :all: --no-build-isolation "llama-cpp-python==$LLAMA_CPP_PYTHON" -d "$work" >&2 \
  || pip download --quiet --no-deps --no-binary :all: "llama-cpp-python==$LLAMA_CPP_PYTHON" -d "$work" >&2
tar -C "$work" -xzf "$work"/llama_cpp_python-*.tar.gz
src="$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)"
[[ -f "$src/CMakeLists.txt" ]] || die "no vendored llama.cpp in the source package"

log "building llama-server (cmake ${CMAKE_FLAGS[*]})"
cmake -S "$src" -B "$work/build" "${CMAKE_FLAGS[@]}" >&2
cmake --build "$work/build" --target llama-server -j "$(nproc)" >&2
strip -o "$OUT.tmp" "$work/build/bin/llama-server"
mv -f "$OUT.tmp" "$OUT"
rm -rf "$work"
log "built $OUT in $((SECONDS - start))s"
echo "$OUT"
