# Shared helpers for the image scripts in this folder. Source it; it defines functions only.
#
#   oci_image <rootfs-dir> <image-ref> <out.tar> [--entrypoint ARG]... [--cmd ARG]... \
#             [--user U[:G]] [--env K=V]... [--workdir DIR] [--label K=V]... [--chown PATH=UID:GID]...
#
# makes a one-layer image of <rootfs-dir> with umoci (built by tools.sh) and writes one tar that is
# both an OCI image layout and a `docker save` archive:
# - oci-layout, index.json, blobs/sha256/...: what `ctr -n k8s.io image import` reads. containerd
#   (2.2, client/import.go and core/transfer/image/imagestore.go) names an image after the
#   index.json manifest annotation `io.containerd.image.name`, else `org.opencontainers.image.ref.name`;
#   a value holding '/', ':' or '@' is taken as a full reference and kept as is (a bare tag would be
#   prefixed with --base-name or "import-<date>"). Both annotations carry the full <image-ref>, so
#   the import names the image exactly <image-ref>, through the transfer API and with --local.
# - manifest.json (Config, RepoTags, Layers pointing at the same blobs): what Jib reads from a
#   `tar://` base image (LocalBaseImageSteps reads manifest.json only) and what `docker load` reads.
#   containerd prefers the OCI layout when oci-layout is present.
# The layer has every file owned by 0:0 (whoever ran the build), except the trees named by --chown
# (PATH relative to the rootfs), and mtimes of SOURCE_DATE_EPOCH (default 0); the image config has
# a fixed creation time too, so the same rootfs gives the same digests.
#
# Functions log to stderr with the caller's log() if it has one.

_IMAGES_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

_oci_log() { if declare -F log >/dev/null; then log "$@"; else printf '[images] %s\n' "$*" >&2; fi; }

# The umoci binary (builds it on first use).
umoci_bin() {
  local bin
  bin="$(bash "$_IMAGES_LIB_DIR/tools.sh")" || return 1
  echo "$bin/umoci"
}

oci_image() {
  local rootfs="$1" ref="$2" out="$3"; shift 3
  [[ -d "$rootfs" ]] || { _oci_log "ERROR: oci_image: no rootfs folder $rootfs"; return 1; }
  [[ "$ref" == */*:* ]] || { _oci_log "ERROR: oci_image: '$ref' is not a full reference host/name:tag"; return 1; }
  local cfg=() chowns=()
  while (($#)); do
    case "$1" in
      --chown)
        [[ "${2:-}" =~ ^[^=/][^=]*=[0-9]+:[0-9]+$ ]] || { _oci_log "ERROR: oci_image: --chown wants PATH=UID:GID"; return 1; }
        chowns+=("$2"); shift 2 ;;
      --entrypoint|--cmd|--user|--env|--label)
        (($# >= 2)) || { _oci_log "ERROR: oci_image: $1 needs a value"; return 1; }
        cfg+=("--config.${1#--}=$2"); shift 2 ;;
      --workdir)
        (($# >= 2)) || { _oci_log "ERROR: oci_image: $1 needs a value"; return 1; }
        cfg+=("--config.workingdir=$2"); shift 2 ;;
      *) _oci_log "ERROR: oci_image: unknown option $1"; return 1 ;;
    esac
  done

  local umoci epoch created work layout
  umoci="$(umoci_bin)" || return 1
  epoch="${SOURCE_DATE_EPOCH:-0}"
  created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"
  work="$(mktemp -d "$(dirname "$out")/.oci.XXXXXX")"
  layout="$work/layout"
  # The layout path must hold no ':' (umoci splits --image at the first one).
  [[ "$layout" != *:* ]] || { rm -rf "$work"; _oci_log "ERROR: oci_image: ':' in $layout"; return 1; }

  # Every step checks its own status: callers often run this under `||`, where bash ignores set -e.
  _oci_image_steps || { rm -rf "$work"; _oci_log "ERROR: oci_image: building $ref failed"; return 1; }
  rm -rf "$work"
  _oci_log "image $ref -> $out ($(du -h "$out" | cut -f1))"
}

# The body of oci_image; reads its locals (bash scoping is dynamic).
_oci_image_steps() {
  local entries=() excl=() c own manifest
  mapfile -t entries < <(cd "$rootfs" && ls -A) || return 1
  ((${#entries[@]})) || { _oci_log "ERROR: oci_image: $rootfs is empty"; return 1; }
  local topts=(--sort=name --numeric-owner --mtime="@$epoch" --format=posix --pax-option=delete=atime,delete=ctime)
  for c in ${chowns[@]+"${chowns[@]}"}; do excl+=(--exclude="${c%%=*}"); done
  tar -C "$rootfs" "${topts[@]}" --owner=0 --group=0 --anchored ${excl[@]+"${excl[@]}"} \
    -cf "$work/layer.tar" -- "${entries[@]}" || return 1
  for c in ${chowns[@]+"${chowns[@]}"}; do
    own="${c#*=}"
    tar -C "$rootfs" "${topts[@]}" --owner="${own%%:*}" --group="${own#*:}" -rf "$work/layer.tar" -- "${c%%=*}" || return 1
  done

  "$umoci" init --layout "$layout" >&2 || return 1
  "$umoci" new --image "$layout:$ref" >&2 || return 1
  "$umoci" raw add-layer --image "$layout:$ref" --compress gzip \
    --history.created "$created" --history.created_by "oci_image $(basename "$rootfs")" "$work/layer.tar" >&2 || return 1
  "$umoci" config --image "$layout:$ref" --no-history --created "$created" --os linux --architecture amd64 \
    ${cfg[@]+"${cfg[@]}"} >&2 || return 1
  "$umoci" gc --layout "$layout" >&2 || return 1

  # Exactly one manifest, annotated for containerd; then the docker-save view of it.
  jq -e '.manifests | length == 1' "$layout/index.json" >/dev/null || return 1
  jq --arg ref "$ref" '.manifests[0].annotations += {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $ref}' \
    "$layout/index.json" >"$work/index.json" || return 1
  mv -f "$work/index.json" "$layout/index.json" || return 1
  manifest="$(jq -r '.manifests[0].digest' "$layout/index.json")" || return 1
  jq --arg ref "$ref" '[{Config: ("blobs/" + (.config.digest | sub(":"; "/"))), RepoTags: [$ref],
      Layers: [.layers[].digest | "blobs/" + sub(":"; "/")]}]' \
    "$layout/blobs/${manifest/://}" >"$layout/manifest.json" || return 1

  tar -C "$layout" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" --mode=a+rX \
    -cf "$work/image.tar" oci-layout index.json manifest.json blobs || return 1
  mv -f "$work/image.tar" "$out"
}

# Copies an ELF binary's shared libraries (as `ldd` lists them, at their real paths, plus the
# dynamic loader) into <rootfs>. Libraries reached through symlinks keep the symlink and its target.
# Libraries that resolve inside <rootfs> already (an absolute <rootfs> and LD_LIBRARY_PATH pointing
# into it) are left alone.
copy_shared_libs() { # <rootfs> <elf>...
  local rootfs="$1"; shift
  local f lib
  for f in "$@"; do
    # ldd prints "name => /path (addr)" for libraries and "/path (addr)" for the loader;
    # "statically linked" / "not a dynamic executable" print no paths.
    while read -r lib; do
      [[ "$lib" == "$rootfs"/* ]] && continue
      [[ -e "$lib" ]] || { _oci_log "ERROR: $f needs $lib, which is missing"; return 1; }
      _copy_path "$rootfs" "$lib" || return 1
    done < <(ldd "$f" 2>/dev/null | awk '/=> not found/ { print "missing:" $1; next }
      { for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
  done
}

# Copies one file into <rootfs> at the same path; a symlink is copied as a symlink, and its target too.
_copy_path() { # <rootfs> <path>
  local rootfs="$1" p="$2"
  [[ -e "$rootfs$p" || -L "$rootfs$p" ]] && return 0
  mkdir -p "$rootfs$(dirname "$p")"
  if [[ -L "$p" ]]; then
    cp -P "$p" "$rootfs$p"
    local target
    target="$(readlink "$p")"
    [[ "$target" == /* ]] || target="$(dirname "$p")/$target"
    _copy_path "$rootfs" "$target"
  else
    cp -p "$p" "$rootfs$p"
  fi
}

# Minimal /etc/passwd and /etc/group with root and 65532 "nonroot", and a world-writable /tmp.
base_files() { # <rootfs>
  local rootfs="$1"
  # Give oci_image "--chown home/nonroot=65532:65532" so the home belongs to its user.
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot"
  chmod 1777 "$rootfs/tmp"
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
}
