#!/usr/bin/env bash
# Runs every test of the repository on a fresh machine: provisions Node 22 and
# the dependencies, starts the database test servers, runs Jest over every
# package, and ends with one line that totals every runner it called:
#   Tests: N passed, N failed
# with the tests that failed named just above it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh
if ! yarn install --immutable >/tmp/docuchat-yarn-install.log 2>&1; then
  tail -40 /tmp/docuchat-yarn-install.log >&2
  echo "test-all: yarn install failed (log: /tmp/docuchat-yarn-install.log)" >&2
  exit 1
fi
eval "$(bash scripts/test-servers.sh)"

# Debian tools the tests drive: promtool and a real Prometheus (metrics
# tests), mkdocs (TechDocs sources), Chromium (end to end).
apt_install() { # apt_install [apt options] PACKAGE...
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } \
    >>/tmp/docuchat-apt-install.log 2>&1 || {
    tail -20 /tmp/docuchat-apt-install.log >&2
    exit 1
  }
}
if [ ! -x /usr/bin/prometheus ] || [ ! -x /usr/bin/promtool ]; then
  echo "test-all: installing Debian's prometheus" >&2
  # Without recommends: no node exporter; the tests start their own server.
  apt_install --no-install-recommends prometheus
fi
if ! command -v mkdocs >/dev/null; then
  # The TechDocs generator (runIn: local) of the sources tests and the
  # demo; techdocs-core is PyPI-only and left out (omitTechdocsCorePlugin).
  echo "test-all: installing Debian's mkdocs" >&2
  apt_install --no-install-recommends mkdocs
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "test-all: installing Debian's chromium" >&2
  apt_install chromium
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0

# CI=true: every suite, not only changed files, and database tests insist on
# the PostgreSQL servers started above instead of skipping them.
CI=true yarn backstage-cli repo test --ci --json \
  --outputFile="$results/jest.json" || status=$?

# The repository's own checks: the backend's dependency rules on a fixture.
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./scripts/node-test-report.mjs \
  --test-reporter-destination="$results/scripts.json" scripts/*.test.mjs || status=$?

# End to end: the README's run command, driven in Debian's Chromium; the
# published packages' tarballs and the install READMEs.
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./scripts/node-test-report.mjs \
  --test-reporter-destination="$results/e2e.json" e2e/*.test.mjs \
  scripts/verify-install/*.test.mjs || status=$?

node scripts/test-totals.mjs "$results"/*.json
exit "$status"
