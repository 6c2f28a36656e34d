#!/usr/bin/env node
// Fails the build when unitkitd's bundle loads a Node built-in at start-up that an idle manager
// does not need. Every `node:` import of the bundled code runs when the bundle loads (one shim
// per built-in, scripts/bundle-daemon.mjs), and each module costs every manager its code and
// heap: node:net ~1.8 MB, child_process ~2.4, crypto ~2.2, os ~0.3 (issue #19). What the
// manager needs only sometimes is loaded where it is used (createRequire(import.meta.url)),
// e.g. unit-file's nodeOs(), core's randomHexId() fallback, the health server's node:http.
import { readFileSync } from 'node:fs';

// What a bare Node has loaded already, or what the manager uses from its first second.
const allowed = new Set(['node:events', 'node:fs', 'node:module', 'node:path', 'node:url', 'node:v8']);

const file = process.argv[2];
const text = readFileSync(file, 'utf8');
// The shims: `__reExport(node_x_exports, require("node:x"))` at the bundle's top level.
const loaded = new Set([...text.matchAll(/__reExport\([A-Za-z0-9_$]+,\s*require\("(node:[a-z_/0-9]+)"\)\)/g)].map((m) => m[1]));
const extra = [...loaded].filter((m) => !allowed.has(m));
if (extra.length > 0) {
  process.stderr.write(
    `${file}: loads ${extra.join(', ')} at start-up. Import it where it is used instead ` +
      `(createRequire(import.meta.url)('${extra[0]}')), or, if every manager needs it, add it to ` +
      'the list in scripts/check-bundle-builtins.mjs with the idle figure of bench/README.md.\n',
  );
  process.exit(1);
}
if (loaded.size === 0) {
  process.stderr.write(`${file}: no built-in shims found; scripts/bundle-daemon.mjs has changed, update this check.\n`);
  process.exit(1);
}
