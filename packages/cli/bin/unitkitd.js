#!/usr/bin/env -S node --max-semi-space-size=1 --interrupt-budget=400000 --no-sparkplug --expose-gc
// Entry point linked into node_modules/.bin; the program itself is compiled to dist/ by `npm run build`
// and bundled into one file there (dist/unitkitd.bundle.cjs, comments and indentation stripped, names
// kept; dist/unitkitd.bundle.cjs.map for `node --enable-source-maps`): one module instead of ~460
// keeps ~9 MB of module records, per-module scopes and two-byte source text off an idle manager's heap,
// and a CommonJS one spares it Node's ESM loader (scripts/import-meta-url.mjs says more).
// A long-lived manager allocates in bursts (loading units); V8's young generation otherwise grows
// to 2 x 16 MB for them and keeps that resident. 1 MB semi-spaces cost a few more scavenges.
// The larger interrupt budget and --no-sparkplug hold V8's compilers back during start-up only: unitkitd
// restores the default once start-up has finished (src/startup-tiering.ts). `--expose-gc` lets
// src/heap-trim.ts collect between D-Bus clients and after bursts of unit loads without node:vm.
let bundle;
try {
  bundle = require.resolve('../dist/unitkitd.bundle.cjs');
} catch {
  process.stderr.write('unitkitd: not built yet; run `npm run build` at the repository root first.\n');
  process.exit(1);
}
require(bundle);
