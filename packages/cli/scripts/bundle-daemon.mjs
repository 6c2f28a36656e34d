#!/usr/bin/env node
// Bundles unitkitd (dist/unitkitd.js and everything it imports) into dist/unitkitd.bundle.cjs:
// one CommonJS file, whitespace-minified with names kept, ASCII, with a source map. Why each
// choice, for an idle manager's memory (issue #19):
// - CommonJS, not an ES module: an ES module entry makes Node load its ESM loader, and ES imports
//   of built-ins read every export of them (fs.promises, streams...). import.meta.url comes from a
//   binding injected into the bundle (import-meta-url.mjs).
// - Each built-in is imported through one shared shim module (the plugin below): in CommonJS output
//   esbuild turns every `import * as fs from 'node:fs'` into its own copy of the module's exports,
//   a getter closure per export per importing file: ~5,000 closures, ~0.7 MB of heap. Through the
//   shim there is one copy per built-in.
// - ASCII: one non-ASCII character makes V8 keep the whole source as a two-byte string.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Routes every `node:` import through a shim module `export * from 'node:…'`, one per built-in. */
const sharedBuiltins = {
  name: 'shared-builtins',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.namespace === 'builtin-shim' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin-shim' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-shim' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};\n`, loader: 'js' }));
  },
};

await esbuild.build({
  entryPoints: [`${here}../dist/unitkitd.js`],
  outfile: `${here}../dist/unitkitd.bundle.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  inject: [`${here}import-meta-url.mjs`],
  define: { 'import.meta.url': 'importMetaUrl' },
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [sharedBuiltins],
});
