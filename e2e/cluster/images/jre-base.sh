#!/usr/bin/env bash
# Makes the operator image's base, `llmfleet.local/jre-base:<java version>`: a Java 17 runtime made
# by jlink from the build JDK, the host libraries its native code links, glibc's C.utf8 locale,
# /etc/passwd and /etc/group with 65532 "nonroot", and /tmp. Jib reads it as `<from><image>tar://...</image></from>` (the tar
# has a docker-save manifest.json besides its OCI layout, see lib.sh).
#
#   jre-base.sh [OUT.tar]
#
# Cached in ${LLMFLEET_CACHE_DIR:-~/.cache/llmfleet}/image-jre-base-<java version>_<hash>/jre-base.tar;
# the hash covers the JDK build, the modules and jlink flags, lib.sh, umoci and BUILD_REV. With OUT,
# the tar is also hard-linked (or copied) to OUT. stdout: the tar's path (OUT when given).
#
# JAVA_HOME picks the JDK (default /usr/lib/jvm/java-17-openjdk-amd64, Debian's openjdk-17-jdk).
set -euo pipefail

# Bump when the way the image is made changes.
BUILD_REV=1
# What the operator needs (fabric8 + JDK HttpClient, JOSDK, Jackson, logback, Micrometer, picocli,
# vault-java-driver, and the JDK HTTP server for metrics and probes). java.desktop only for
# java.beans, which some of those libraries touch.
MODULES=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,java.desktop,jdk.crypto.ec,jdk.unsupported,jdk.management,java.instrument,jdk.zipfs,jdk.httpserver
JLINK_FLAGS=(--strip-debug --no-man-pages --no-header-files)
# java.desktop's GUI, sound and font natives: a server never loads them, and they would bring X11,
# ALSA, freetype and harfbuzz into the image (what Debian's headless JRE leaves out, and more).
DROP_LIBS=(libawt_xawt.so libjawt.so libsplashscreen.so libjsound.so libfontmanager.so liblcms.so libjavajpeg.so)
JAVA_DIR=/opt/java/openjdk

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${LLMFLEET_CACHE_DIR:-$HOME/.cache/llmfleet}"
mkdir -p "$ROOT" && ROOT="$(cd "$ROOT" && pwd)"
JDK="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
OUT="${1:-}"

log() { printf '[jre-base] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# shellcheck source=lib.sh
source "$HERE/lib.sh"

[[ -x "$JDK/bin/jlink" && -d "$JDK/jmods" ]] || die "no JDK with jlink and jmods at $JDK (set JAVA_HOME)"
JAVA_VERSION="$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$JDK/release")"
[[ "$JAVA_VERSION" == 17* ]] || die "$JDK is Java '$JAVA_VERSION', not 17"
for t in jq tar ldd flock sha256sum; do command -v "$t" >/dev/null || die "$t is not on PATH"; done
REF="llmfleet.local/jre-base:$JAVA_VERSION"
UMOCI="$(umoci_bin)"

HASH="$( {
  echo "rev=$BUILD_REV $MODULES ${JLINK_FLAGS[*]} ${DROP_LIBS[*]} $JAVA_DIR"
  cat "$JDK/release"
  sha256sum "$JDK/jmods/java.base.jmod" "$HERE/lib.sh" "$UMOCI" /usr/lib/locale/C.utf8/LC_CTYPE | cut -c1-64
} | sha256sum | cut -c1-8)"
DIR="$ROOT/image-jre-base-${JAVA_VERSION}_$HASH"
TAR="$DIR/jre-base.tar"

publish() {
  if [[ -n "$OUT" ]]; then
    mkdir -p "$(dirname "$OUT")"
    ln -f "$TAR" "$OUT" 2>/dev/null || cp -f "$TAR" "$OUT"
    echo "$OUT"
  else
    echo "$TAR"
  fi
}

if [[ -s "$TAR" ]]; then publish; exit 0; fi
mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9
if [[ -s "$TAR" ]]; then publish; exit 0; fi

start=$SECONDS
TMP="$(mktemp -d "$DIR/.tmp.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
rootfs="$TMP/rootfs"
jre="$rootfs$JAVA_DIR"
mkdir -p "$(dirname "$jre")"
log "jlink $MODULES from $JDK"
"$JDK/bin/jlink" --add-modules "$MODULES" "${JLINK_FLAGS[@]}" --output "$jre" >&2
for l in "${DROP_LIBS[@]}"; do rm -f "$jre/lib/$l"; done
# Debian's JDK points files such as lib/security/cacerts at /etc; the image has no /etc/ssl, so
# every symlink leading out of the JRE becomes a copy of what it points to.
while IFS= read -r link; do
  target="$(readlink -f "$link")"
  if [[ "$target" != "$jre"/* ]]; then
    [[ -f "$target" ]] || die "$link points to $target, which is missing"
    rm -f "$link"
    cp -p "$target" "$link"
  fi
done < <(find "$jre" -type l)
[[ -s "$jre/lib/security/cacerts" && ! -L "$jre/lib/security/cacerts" ]] || die "no cacerts in the JRE"

# The JRE's own libraries resolve inside $rootfs (copy_shared_libs skips those); the rest come
# from the host.
mapfile -t elves < <(find "$jre" -type f \( -name '*.so' -o -path "$jre/bin/*" \))
LD_LIBRARY_PATH="$jre/lib/server:$jre/lib" copy_shared_libs "$rootfs" "${elves[@]}"
base_files "$rootfs"
# LANG=C.UTF-8 needs glibc's C.utf8 locale files; without them Java 17 takes ASCII for file names
# (sun.jnu.encoding) and a download of a non-ASCII file name fails.
[[ -d /usr/lib/locale/C.utf8 ]] || die "no /usr/lib/locale/C.utf8 (Debian's libc-bin has it)"
mkdir -p "$rootfs/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$rootfs/usr/lib/locale/"
oci_image "$rootfs" "$REF" "$TMP/jre-base.tar" --chown home/nonroot=65532:65532 \
  --user 65532:65532 --workdir /home/nonroot \
  --env "PATH=$JAVA_DIR/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --env "JAVA_HOME=$JAVA_DIR" --env LANG=C.UTF-8 --env HOME=/home/nonroot
mv -f "$TMP/jre-base.tar" "$TAR"
log "built $REF in $((SECONDS - start))s: $TAR ($(du -h "$TAR" | cut -f1))"
publish
