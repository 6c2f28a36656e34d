#!/usr/bin/env node
'use strict';
// Entry point linked into node_modules/.bin; the program is compiled to dist/ by `npm run build` and
// bundled there into one CommonJS file, dist/unitkitctl.bundle.cjs. Every call starts Node, so what
// is ours of a call's start-up is kept small (see "Start-up" in the package README):
// - CommonJS (bin/package.json): no ES module loader to set up, no module resolution;
// - the bundle is compiled through vm.Script with V8's code cache (Node 20 has no compile cache of
//   its own; module.enableCompileCache() is 22.1): the first call saves the cache beside the bundle
//   (if it may write there), later calls skip parsing and compiling the functions a call runs.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const bundle = path.join(__dirname, '..', 'dist', 'unitkitctl.bundle.cjs');
// V8 rejects a cache of another V8 or other flags; one file per V8 keeps two Node versions from
// overwriting each other's.
const cacheFile = `${bundle}.${process.versions.v8}.cache`;
let source;
try {
  source = fs.readFileSync(bundle, 'utf8');
} catch (e) {
  if (e && e.code === 'ENOENT') {
    process.stderr.write('unitkitctl: not built yet; run `npm run build` at the repository root first.\n');
    process.exit(1);
  }
  throw e;
}
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  // First call, or the cache could not be written: compile from source.
}
// The wrapper require() would put around it; a shebang line becomes a comment (same line numbers).
const body = source.startsWith('#!') ? `//${source}` : source;
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
  filename: bundle,
  cachedData,
  // No importModuleDynamically: the bundle has no import() left (esbuild's
  // --supported:dynamic-import=false turns each into a require()), which a vm.Script could not run.
});
if (cachedData === undefined || script.cachedDataRejected) {
  // At exit, so the cache holds the functions this call compiled too, not only the top level.
  process.once('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // Read-only install: every call compiles, as without a cache.
    }
  });
}
const mod = { exports: {} };
script.runInThisContext().call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
mod.exports.main();
