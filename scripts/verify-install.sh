#!/usr/bin/env bash
# Installs DocuChat into a fresh Backstage app the way an adopter would, and
# checks that it works. Called by .ci/run; `yarn verify:install` runs it alone.
#
#   1. build    the published DocuChat packages (yarn tsc, backstage-cli build)
#   2. registry a local npm registry (verdaccio) with an uplink to the registry
#               `npm config get registry` prints; every DocuChat package is
#               published to it with `yarn npm publish`
#   3. app      a fresh app from @backstage/create-app@0.9.2, outside this
#               repository, installed with its @backstage packages held to the
#               1.55 release (see scripts/verify-install/backstage-release.mjs)
#   4. install  the "## Install" section of each plugin README, executed as
#               written (scripts/verify-install/readme-install.mjs); nothing
#               else is read from this repository
#   5. static   one copy of each @backstage/* package in the app, and
#               `backstage-cli config:check` passes on the app's config and
#               fails on a config schema error
#   6. start    `yarn start` on SQLite in memory with the local embedding model
#   7. api      health, a permission refusal for a user who owns nothing, a
#               tenant created through the API, a document ingested and asked
#               with citations, usage recorded, the tenant entity in the
#               catalog, the seven docuchat:* actions and templates in the
#               scaffolder
#   8. search   the collator's task triggered (as an operator can), the
#               portal's search finds the document for its tenant's owner and
#               not for a user who owns nothing
#   9. browser  the DocuChat page streams an answer in Chromium; the search
#               page shows the document with DocuChat's result item
#
# Each phase prints its time. Work files go to $DOCUCHAT_VERIFY_DIR (default
# /tmp/docuchat-verify-install), wiped at the start; the app's logs stay there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/scripts/verify-install"
cd "$ROOT"
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh

WORK="${DOCUCHAT_VERIFY_DIR:-/tmp/docuchat-verify-install}"
REGISTRY_PORT="${DOCUCHAT_VERIFY_REGISTRY_PORT:-4873}"
APP_PORT="${DOCUCHAT_VERIFY_APP_PORT:-3170}"
BACKEND_PORT="${DOCUCHAT_VERIFY_BACKEND_PORT:-7170}"
REGISTRY="http://127.0.0.1:$REGISTRY_PORT"
APP="$WORK/app"
UPSTREAM="$(npm config get registry)"

# The published packages (plugins/ that are not private), in the order an
# adopter follows their READMEs: see scripts/verify-install/packages.mjs.
mapfile -t PACKAGES < <(node "$HERE/packages.mjs")
[ "${#PACKAGES[@]}" -gt 0 ] || { echo "verify-install: no published package found" >&2; exit 1; }

started=$SECONDS
phase_started=$SECONDS
phase_name=""
declare -a TIMES=()
# CPU seconds (user + system) of this script and its finished commands: on
# a shared machine wall time varies with the load, CPU time much less.
# `times` must run in this shell (a $(...) subshell would count its own).
TIMES_FILE="$(mktemp)"
cpu_now() {
  times >"$TIMES_FILE"
  CPU_NOW=$(awk '{ for (i = 1; i <= NF; i++) { split($i, t, /[ms]/); sum += t[1] * 60 + t[2] } } END { printf "%d", sum }' "$TIMES_FILE")
}
cpu_now
phase_cpu=$CPU_NOW
phase() {
  cpu_now
  if [ -n "$phase_name" ]; then
    local wall=$((SECONDS - phase_started)) cpu=$((CPU_NOW - phase_cpu))
    TIMES+=("$(printf '%-9s %4d s  (CPU %4d s)' "$phase_name" "$wall" "$cpu")")
    echo "== verify-install: $phase_name took $wall s (CPU $cpu s)"
  fi
  phase_name="$1"
  phase_started=$SECONDS
  phase_cpu=$CPU_NOW
  [ -n "$phase_name" ] && echo "== verify-install: $phase_name"
  return 0
}

pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    # Each server runs in its own process group (setsid): stop all of it.
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "verify-install: FAILED in phase '$phase_name' (logs in $WORK)" >&2
    for log in "$WORK"/logs/*.log; do
      [ -f "$log" ] || continue
      echo "--- last lines of $log" >&2
      tail -25 "$log" >&2
    done
  fi
}
trap cleanup EXIT

wait_for() { # wait_for URL SECONDS PID
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if ! kill -0 "$3" 2>/dev/null; then
      echo "verify-install: the server for $1 exited" >&2
      return 1
    fi
    if [ $SECONDS -gt $deadline ]; then
      echo "verify-install: $1 did not answer within $2 s" >&2
      return 1
    fi
    sleep 1
  done
}

if [ ! -x /usr/bin/chromium ]; then
  echo "verify-install: installing Debian's chromium" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
    >/tmp/docuchat-apt-install.log 2>&1 || {
    tail -20 /tmp/docuchat-apt-install.log >&2
    exit 1
  }
fi

for port in "$REGISTRY_PORT" "$APP_PORT" "$BACKEND_PORT"; do
  if curl -s -o /dev/null "http://127.0.0.1:$port"; then
    echo "verify-install: port $port is in use" >&2
    exit 1
  fi
done
if [ -e "$WORK" ]; then
  # A previous run's app holds ~200k files: delete it in the background.
  mv "$WORK" "$WORK.old.$$"
  (rm -rf "$WORK.old.$$" &)
fi
mkdir -p "$WORK/logs"

# --- 1. build ---------------------------------------------------------------
phase build
yarn tsc
for pkg in "${PACKAGES[@]}"; do
  (cd "plugins/$pkg" && yarn build >"$WORK/logs/build-$pkg.log" 2>&1) || {
    tail -30 "$WORK/logs/build-$pkg.log" >&2
    exit 1
  }
done

# --- 2. registry -------------------------------------------------------------
phase registry
# create-app tells which @backstage versions make the 1.55 release.
npm pack --silent --pack-destination "$WORK" @backstage/create-app@0.9.2 >/dev/null
mkdir -p "$WORK/create-app"
tar xzf "$WORK"/backstage-create-app-0.9.2.tgz -C "$WORK/create-app" --strip-components=1
node "$HERE/backstage-release.mjs" "$WORK/create-app" >"$WORK/backstage-release.json"
echo "   the 1.55 release: $(grep -c '"@backstage/' "$WORK/backstage-release.json") @backstage packages ($((SECONDS - phase_started)) s)"
node "$HERE/verdaccio-config.mjs" \
  --storage "$WORK/registry" --uplink "$UPSTREAM" \
  --release "$WORK/backstage-release.json" >"$WORK/verdaccio.yaml"
setsid node_modules/.bin/verdaccio --config "$WORK/verdaccio.yaml" \
  --listen "127.0.0.1:$REGISTRY_PORT" >"$WORK/logs/verdaccio.log" 2>&1 &
pids+=($!)
wait_for "$REGISTRY/-/ping" 60 "${pids[-1]}"
# A user for `yarn npm publish`; the registry admits anyone to @docuchat/*.
TOKEN="$(curl -fsS -X PUT -H 'content-type: application/json' \
  -d '{"name":"verify","password":"verify-install"}' \
  "$REGISTRY/-/user/org.couchdb.user:verify" | node -p 'JSON.parse(require("fs").readFileSync(0)).token')"
before_publish="$(git status --porcelain -- plugins)"
for pkg in "${PACKAGES[@]}"; do
  (cd "plugins/$pkg" &&
    YARN_NPM_PUBLISH_REGISTRY="$REGISTRY" YARN_NPM_AUTH_TOKEN="$TOKEN" \
      YARN_UNSAFE_HTTP_WHITELIST=127.0.0.1 \
      yarn npm publish >"$WORK/logs/publish-$pkg.log" 2>&1) || {
    tail -30 "$WORK/logs/publish-$pkg.log" >&2
    exit 1
  }
done
echo "   published ${#PACKAGES[@]} packages ($((SECONDS - phase_started)) s)"
if [ "$(git status --porcelain -- plugins)" != "$before_publish" ]; then
  echo "verify-install: publishing left changes in plugins/ (postpack)" >&2
  git status --short -- plugins >&2
  exit 1
fi

# --- 3. app ------------------------------------------------------------------
phase app
# The app's Yarn has its own global folder. Yarn takes a package it has in
# its cache by name and version, without asking the registry: a DocuChat
# 0.1.0 cached by an earlier run would be installed in place of the 0.1.0
# just published. So its cache starts as the machine's without @docuchat/*
# (hard links, no copy), or, with DOCUCHAT_VERIFY_COLD=1, empty, as on a
# new machine (npx's cache too).
mkdir -p "$WORK/yarn-global/cache"
if [ -n "${DOCUCHAT_VERIFY_COLD:-}" ]; then
  export npm_config_cache="$WORK/npm-cache"
else
  global_cache="$(yarn config get globalFolder)/cache"
  if [ -d "$global_cache" ]; then
    find "$global_cache" -maxdepth 1 -name '*.zip' ! -name '@docuchat-*' \
      -exec cp -al -t "$WORK/yarn-global/cache" {} + 2>/dev/null || true
  fi
  echo "   the app's Yarn cache: $(find "$WORK/yarn-global/cache" -name '*.zip' | wc -l) packages of $global_cache, none of @docuchat/*"
fi
export YARN_GLOBAL_FOLDER="$WORK/yarn-global"
(cd "$WORK" && BACKSTAGE_APP_NAME=verify-portal \
  npx --yes @backstage/create-app@0.9.2 --path app --skip-install \
  >"$WORK/logs/create-app.log" 2>&1)
# The adopter's registry: npm for everything, with @docuchat/* (not on npm
# yet) and @backstage/* (held to the release) from the local registry. The
# app's Yarn quarantines versions younger than 3 days (npmMinimalAgeGate):
# DocuChat's were published a minute ago, so they are admitted like
# @backstage/*; installs of a release older than that need no such line.
(cd "$APP" &&
  yarn config set unsafeHttpWhitelist --json '["127.0.0.1"]' >/dev/null &&
  yarn config set npmPreapprovedPackages --json '["@backstage/*", "@docuchat/*"]' >/dev/null &&
  yarn config set npmScopes --json "{\"docuchat\": {\"npmRegistryServer\": \"$REGISTRY\"}, \"backstage\": {\"npmRegistryServer\": \"$REGISTRY\"}}" >/dev/null)
# Native builds: the fresh app's dependencies compile several C addons
# (tree-sitter grammars, ssh2, cpu-features, keytar) that neither the app nor
# DocuChat uses at run time; on two cores they take minutes. The harness turns
# install scripts off for its installs (the READMEs' commands included: they
# run as written, in this environment) and builds the one addon the app runs
# on, better-sqlite3, before it starts. DocuChat itself adds no native addon.
export YARN_ENABLE_SCRIPTS=false
# CI machines set CI=true, which makes Yarn's installs immutable by default; the
# fresh app has no lockfile to keep (create-app's yarn.lock seed is fetched from
# GitHub, out of reach here), so its installs write one, as an adopter's do.
export YARN_ENABLE_IMMUTABLE_INSTALLS=false
(cd "$APP" && yarn install >"$WORK/logs/app-install.log" 2>&1) || {
  tail -40 "$WORK/logs/app-install.log" >&2
  exit 1
}
(cd "$APP" && git init -q && git add -A && git -c user.name=verify -c user.email=verify@localhost commit -qm "create-app")

# --- 4. install (the READMEs) -------------------------------------------------
phase install
for pkg in "${PACKAGES[@]}"; do
  echo "-- plugins/$pkg/README.md, ## Install"
  node "$HERE/readme-install.mjs" "plugins/$pkg/README.md" "$APP" \
    >>"$WORK/logs/readme-install.log" 2>&1 || {
    tail -40 "$WORK/logs/readme-install.log" >&2
    exit 1
  }
  node "$HERE/readme-install.mjs" "plugins/$pkg/README.md" "$APP" --list
done
echo "-- what the READMEs changed in the app (git diff --stat):"
(cd "$APP" && git add -A && git diff --cached --stat -- . ':!yarn.lock')

# --- 5. static checks ----------------------------------------------------------
phase static
node "$HERE/check-app.mjs" "$APP"

# --- 6. start -------------------------------------------------------------------
phase start
unset YARN_ENABLE_SCRIPTS
# The addon compiles from C (~1.5 min of one core). When this repository's
# install already built the same version for the same Node, its binary is
# what the app's build would produce: reuse it (a build cache, nothing of
# DocuChat's wiring); otherwise build it in the app.
sqlite_version() { node -p "require('$1/node_modules/better-sqlite3/package.json').version" 2>/dev/null; }
built="$ROOT/node_modules/better-sqlite3/build/Release/better_sqlite3.node"
if [ -f "$built" ] && [ "$(sqlite_version "$ROOT")" = "$(sqlite_version "$APP")" ]; then
  mkdir -p "$APP/node_modules/better-sqlite3/build/Release"
  cp "$built" "$APP/node_modules/better-sqlite3/build/Release/"
  how="reused this repository's build of $(sqlite_version "$APP")"
else
  (cd "$APP" && yarn rebuild better-sqlite3 >"$WORK/logs/rebuild.log" 2>&1) || {
    tail -30 "$WORK/logs/rebuild.log" >&2
    exit 1
  }
  how="built"
fi
(cd "$APP/packages/backend" && node -e "require('better-sqlite3')(':memory:').prepare('select 1').get()")
echo "   better-sqlite3 $how ($((SECONDS - phase_started)) s)"
# The test harness's own settings, not DocuChat's wiring: ports that do not
# collide with a portal on this machine, and the guest's ownership, which
# the api phase changes while the portal runs (config files are watched).
cat >"$APP/app-config.local.yaml" <<LOCAL
app:
  baseUrl: http://localhost:$APP_PORT
backend:
  baseUrl: http://localhost:$BACKEND_PORT
  listen:
    port: $BACKEND_PORT
  cors:
    origin: http://localhost:$APP_PORT
LOCAL
(cd "$APP" && exec setsid yarn start >"$WORK/logs/portal.log" 2>&1) &
pids+=($!)
wait_for "http://localhost:$BACKEND_PORT/api/docuchat/health" 300 "${pids[-1]}"
wait_for "http://localhost:$APP_PORT" 300 "${pids[-1]}"

# --- 7. api --------------------------------------------------------------------
phase api
portal_check() {
  node "$HERE/check-portal.mjs" "$1" --app-dir "$APP" \
    --backend "http://localhost:$BACKEND_PORT" \
    --frontend "http://localhost:$APP_PORT" --screenshots "$WORK/screenshots"
}
portal_check api

# --- 8. search -------------------------------------------------------------------
phase search
portal_check search

# --- 9. browser ------------------------------------------------------------------
phase browser
portal_check browser

phase ""
echo "== verify-install: phase times"
printf '   %s\n' "${TIMES[@]}"
cpu_now
echo "== verify-install: passed in $((SECONDS - started)) s (CPU $CPU_NOW s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
