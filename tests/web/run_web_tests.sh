#!/usr/bin/env bash
# The web app's browser tests (web/tests/*.test.ts): compiles them, then web/tests/run.ts starts the given
# reftrack binary on a free port with a demo database, creates an admin and a partner user, drives Debian's
# headless Chromium through Playwright, and always stops the server. Screenshots land in docs/screenshots/
# unless RT_SCREENSHOTS=<dir> says otherwise (CTest points it into the build directory; `make screenshots`
# refreshes docs/screenshots/); RT_WEB_TESTS=portal,auth runs only those files.
#
#   tests/web/run_web_tests.sh build/release/reftrack
set -euo pipefail

binary=${1:?usage: run_web_tests.sh <path/to/reftrack>}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
web=$root/web

export CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [[ -z $CHROMIUM || ! -x $CHROMIUM ]]; then
    echo "web tests: chromium not found; scripts/bootstrap installs it (apt-get install chromium)" >&2
    exit 1
fi
if [[ ! -d $web/node_modules/playwright-core ]]; then
    echo "web tests: $web/node_modules is missing; build first (cmake --build runs npm ci)" >&2
    exit 1
fi

# Build directories share web/: the build's lock keeps two compilations from writing at once.
flock "$web/.build.lock" "$web/node_modules/.bin/tsc" -p "$web/tests"
exec node "$web/tests/.build/run.js" "$binary"
