#!/usr/bin/env bash
# Runs the portal on its embedded defaults: SQLite in memory, guest sign-in,
# no OpenAI key. Frontend on http://localhost:3000, backend on :7007.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh
yarn install --immutable
exec yarn start "$@"
