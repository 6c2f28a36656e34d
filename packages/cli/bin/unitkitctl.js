#!/usr/bin/env node
// Entry point linked into node_modules/.bin; the program itself is compiled to dist/ by `npm run build`,
// and bundled into one file there (no module resolution per call: a client starts in half the time).
import('../dist/unitkitctl.bundle.js').then((m) => m.main()).catch((e) => {
  if (e && e.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('unitkitctl: not built yet; run `npm run build` at the repository root first.\n');
    process.exit(1);
  }
  throw e;
});
