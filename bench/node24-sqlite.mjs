// Loaded with `--import` by bench/node24.sh: resolves `better-sqlite3` to a copy built for the Node that runs
// the bench (the one in node_modules is built for the machine's Node), so the same checkout serves both.
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const copy = process.env.PIPELOOM_BENCH_BETTER_SQLITE3;
if (copy) {
  const target = pathToFileURL(path.join(copy, 'lib/index.js')).href;
  const hooks = `export async function resolve(specifier, context, next) {
    return next(specifier === 'better-sqlite3' ? ${JSON.stringify(target)} : specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
