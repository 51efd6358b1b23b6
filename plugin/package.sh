#!/usr/bin/env bash
# Builds the krew archive of the plugin, target/kubectl-llmfleet-v<version>.tar.gz (the launcher and the operator
# jar), and writes its version, uri and sha256 into plugin/plugin.yaml.
# Run after ./mvnw -B package; the version is the jar's (the pom's, without -SNAPSHOT).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
jar="$repo/operator/target/llmfleet-operator.jar"
[[ -f "$jar" ]] || { echo "package.sh: $jar is missing: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
version="v$(unzip -p "$jar" META-INF/MANIFEST.MF | sed -n 's/^Implementation-Version: *//p' | tr -d '\r' \
  | sed 's/-SNAPSHOT$//')"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$repo/plugin/kubectl-llmfleet" "$jar" "$stage/"
mkdir -p "$repo/target"
archive="$repo/target/kubectl-llmfleet-$version.tar.gz"
tar -C "$stage" -czf "$archive" kubectl-llmfleet llmfleet-operator.jar
sha="$(sha256sum "$archive" | cut -d' ' -f1)"
sed -i -e "s|^  version: .*|  version: $version|" \
  -e "s|^\(    uri: .*/download/\)[^/]*/kubectl-llmfleet-.*\.tar\.gz|\1$version/kubectl-llmfleet-$version.tar.gz|" \
  -e "s|^    sha256: .*|    sha256: \"$sha\"|" "$repo/plugin/plugin.yaml"
echo "$archive $sha"
