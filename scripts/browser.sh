#!/usr/bin/env bash
# Finds, or installs when missing, what the browser test (tests/browser) needs: Debian's
# Chromium (apt-get) and playwright-core (npm, into a cache directory under target/, so
# nothing is written into the source tree). Prints one `name=path` line per tool:
#   chromium=/usr/bin/chromium
#   playwright_core=/.../node_modules/playwright-core
#   node=/usr/bin/node
# Playwright's own browser download is never used (it cannot work on a closed network):
# the test launches Debian's Chromium through `executablePath`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The version the test was written against; a newer one may change the API it uses.
PLAYWRIGHT_VERSION=1.64.1
cache="${THREEDS_BROWSER_CACHE:-${CARGO_TARGET_DIR:-$PWD/target}/browser-node}"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

chromium=""
for candidate in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then chromium="$candidate"; break; fi
done
if [ -z "$chromium" ]; then
  echo "browser.sh: installing Debian's chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2 || true
  as_root apt-get install -y -qq --no-install-recommends chromium >&2
  chromium=/usr/bin/chromium
fi
[ -x "$chromium" ] || { echo "browser.sh: chromium not found after installing it" >&2; exit 1; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "browser.sh: installing Debian's nodejs and npm with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
node="$(command -v node)"

module="$cache/node_modules/playwright-core"
installed=""
if [ -f "$module/package.json" ]; then
  installed="$("$node" -p "require('$module/package.json').version" 2>/dev/null || true)"
fi
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
  echo "browser.sh: installing playwright-core@$PLAYWRIGHT_VERSION into $cache" >&2
  mkdir -p "$cache"
  [ -f "$cache/package.json" ] || echo '{"name":"threeds-browser-test","private":true}' >"$cache/package.json"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$cache" --no-audit --no-fund \
    --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >&2
fi
[ -f "$module/package.json" ] || { echo "browser.sh: playwright-core missing in $cache" >&2; exit 1; }

echo "chromium=$chromium"
echo "playwright_core=$module"
echo "node=$node"
