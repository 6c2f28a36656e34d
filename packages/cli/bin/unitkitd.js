#!/usr/bin/env -S node --max-semi-space-size=1 --interrupt-budget=400000
// Entry point linked into node_modules/.bin; the program itself is compiled to dist/ by `npm run build`
// and bundled into one file there (dist/unitkitd.bundle.js, comments and indentation stripped, names
// kept; dist/unitkitd.bundle.js.map for `node --enable-source-maps`): one module instead of ~460
// keeps ~9 MB of module records, per-module scopes and two-byte source text off an idle manager's heap.
// A long-lived manager allocates in bursts (loading units); V8's young generation otherwise grows
// to 2 x 16 MB for them and keeps that resident. 1 MB semi-spaces cost a few more scavenges.
// The larger interrupt budget holds V8's optimizing compiler back during start-up only: unitkitd
// restores the default once start-up has finished (src/startup-tiering.ts).
import('../dist/unitkitd.bundle.js').catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('unitkitd: not built yet; run `npm run build` at the repository root first.\n');
    process.exit(1);
  }
  throw e;
});
