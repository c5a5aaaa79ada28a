#!/usr/bin/env bash
# Builds, once, the SeaweedFS `weed` binary the object-storage tests run
# (a real S3 store with an Iceberg REST catalog, internal/weedtest), and
# prints its path. The binary is cached outside the repository, keyed by
# the pinned module version:
#   ${LAKEGATE_CACHE:-~/.cache/lakegate}/weed-VERSION
# `go install` refuses the module (its go.mod has replace directives), so the
# module is downloaded through the Go module proxy and built inside a
# writable copy. About 10-15 minutes on 2 cores, once.
set -euo pipefail

VERSION="${SEAWEEDFS_VERSION:-v0.0.0-20261109003541-7506e5f91cd6}"
CACHE="${LAKEGATE_CACHE:-$HOME/.cache/lakegate}"
BIN="$CACHE/weed-$VERSION"
mkdir -p "$CACHE"

# One build at a time: test packages started in parallel wait for it.
exec 9>"$CACHE/weed-$VERSION.lock"
flock 9
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi

work="$(mktemp -d "$CACHE/weed-build.XXXXXX")"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work"
# Outside any module, without the repository's build flags.
export GOFLAGS=
dir="$(go mod download -json "github.com/seaweedfs/seaweedfs@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
if [ -z "$dir" ] || [ ! -d "$dir" ]; then
  echo "seaweedfs.sh: go mod download github.com/seaweedfs/seaweedfs@$VERSION gave no directory" >&2
  exit 1
fi
cp -r "$dir" src
chmod -R u+w src
echo "building weed $VERSION (once; about 10-15 minutes on 2 cores)" >&2
(cd src && CGO_ENABLED=0 go build -trimpath -o "$work/weed" ./weed)
mv "$work/weed" "$BIN"
echo "$BIN"
