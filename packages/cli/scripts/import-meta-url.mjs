// Injected by esbuild into the CommonJS bundles of unitkitd (scripts/bundle-daemon.mjs) and unitkitctl, whose code was
// written as ES modules: `import.meta.url` is defined as this binding, the bundle's own file URL,
// so paths found from it (the addon, the examples) resolve as from the modules' own dist/ files.
// The bundle is CommonJS because an ES module entry makes Node load its ESM loader, and an ES
// import of a built-in (`import * as fs from 'node:fs'`) reads every export of it, loading
// fs/promises, streams and more: ~3 MB of an idle manager (issue #19).
import { pathToFileURL } from 'node:url';

export const importMetaUrl = pathToFileURL(__filename).href;
