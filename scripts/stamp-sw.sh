#!/usr/bin/env bash
# Trunk post-build hook: stamps the offline worker (public/sw.js, copied into the build)
# with this build's digest and file list, so that every deploy of a changed build is a
# changed sw.js, which is how browsers notice a new version. Debug builds (trunk serve)
# get a worker that removes itself instead.
set -euo pipefail
cd "$TRUNK_STAGING_DIR"
[ -f sw.js ] || { echo "stamp-sw: sw.js is not in the build" >&2; exit 1; }
files=$(find . -type f ! -name sw.js ! -name index.html | sed 's|^\./||' | LC_ALL=C sort)
build=$(printf '%s\n' $files index.html | xargs sha256sum | sha256sum | cut -c1-16)
list=$(printf '%s\n' $files | sed 's/.*/"&"/' | paste -sd, - | sed 's/^"//; s/"$//')
offline=false
[ "${TRUNK_PROFILE:-}" = release ] && offline=true
sed -i "s|@BUILD@|$build|; s|@FILES@|$list|; s|@OFFLINE@|$offline|" sw.js
