#!/usr/bin/env node
'use strict';
// Entry point linked into node_modules/.bin; the program is compiled to dist/ by `npm run build` and
// bundled there into two CommonJS files: dist/unitkitctl-quick.bundle.cjs, the quick path of the
// common read verbs (show, is-active, is-failed: src/ctl-quick.ts), and dist/unitkitctl.bundle.cjs,
// the whole client, loaded only when the quick path leaves the call to it. Every call starts Node,
// so what is ours of a call's start-up is kept small (see "Start-up" in the package README):
// - CommonJS (bin/package.json): no ES module loader to set up, no module resolution;
// - each bundle is compiled through vm.Script with V8's code cache (Node 20 has no compile cache of
//   its own; module.enableCompileCache() is 22.1): the first call saves the cache beside the bundle
//   (if it may write there), later calls skip parsing and compiling the functions a call runs;
// - the quick path talks to unitkitd through the native addon's socket, found where the unitkitd
//   launcher is (../../native/build/Release: beside @unitkit/cli in a workspace or node_modules).
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const dist = path.join(__dirname, '..', 'dist');
// A code cache holds the functions of the call that wrote it, and V8 accepts it for every later
// call: one cache per common verb, else a call of another verb would compile its own functions at
// every call, the one cache never rewritten (show after a first is-active: +13 M instructions).
// Other verbs share one, so that the files stay few.
const cachedVerbs = new Set(['show', 'is-active', 'is-failed', 'is-enabled', 'status', 'start', 'stop', 'restart',
  'reload', 'list-units', 'list-unit-files', 'daemon-reload', 'enable', 'disable', 'cat', 'logs']);
const verb = process.argv.slice(2).find((a) => !a.startsWith('-'));
const cacheKey = cachedVerbs.has(verb) ? verb : 'default';
// Caches to write at exit, so that they hold the functions this call compiled too, not only the top level.
const unsaved = [];

/** Runs one bundle as require() would run it, with its code cache; returns its exports. */
function load(name) {
  const bundle = path.join(dist, name);
  // V8 rejects a cache of another V8 or other flags; one file per V8 keeps two Node versions from
  // overwriting each other's.
  const cacheFile = `${bundle}.${process.versions.v8}.${cacheKey}.cache`;
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
  // V8 checks a cache against the source's length only: a rebuilt bundle of the same length would
  // get the old one's code. So the cache starts with the bundle's mtime, and another is ignored.
  const stamp = Buffer.alloc(8);
  stamp.writeDoubleLE(fs.statSync(bundle).mtimeMs);
  let cachedData;
  try {
    const file = fs.readFileSync(cacheFile);
    if (file.length > 8 && file.subarray(0, 8).equals(stamp)) cachedData = file.subarray(8);
  } catch {
    // First call, or the cache could not be written: compile from source.
  }
  // The wrapper require() would put around it; a shebang line becomes a comment (same line numbers).
  const body = source.startsWith('#!') ? `//${source}` : source;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${body}\n})`, {
    filename: bundle,
    cachedData,
    // No importModuleDynamically: the bundles have no import() left (esbuild's
    // --supported:dynamic-import=false turns each into a require()), which a vm.Script could not run.
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (unsaved.length === 0) process.once('exit', saveCaches);
    unsaved.push({ script, cacheFile, stamp });
  }
  const mod = { exports: {} };
  // The bin's own require: the bundles require Node's modules, and @unitkit/export (export verb)
  // resolves from bin/ as from dist/ (createRequire(bundle) cost the quick path 1.4 M instructions).
  script.runInThisContext().call(mod.exports, mod.exports, require, mod, bundle, dist);
  return mod.exports;
}

function saveCaches() {
  for (const { script, cacheFile, stamp } of unsaved) {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, Buffer.concat([stamp, script.createCachedData()]));
      fs.renameSync(tmp, cacheFile);
    } catch {
      // Read-only install: every call compiles, as without a cache.
    }
  }
}

/** The native addon's raw functions, or undefined when it is not built (the full client then talks through `net`). */
function nativeAddon() {
  const m = { exports: {} };
  try {
    // dlopen directly: require() would resolve the path first.
    process.dlopen(m, path.join(__dirname, '..', '..', 'native', 'build', 'Release', 'unitkit_native.node'));
  } catch {
    return undefined;
  }
  return m.exports;
}

const rc = load('unitkitctl-quick.bundle.cjs').runQuick(process.argv.slice(2), process.env, nativeAddon);
if (rc !== undefined) process.exitCode = rc;
else load('unitkitctl.bundle.cjs').main();
