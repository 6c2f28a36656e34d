#!/usr/bin/env node
// Fails the build when a bundle holds a non-ASCII byte. V8 keeps a script's whole source for lazy
// compilation, and one non-ASCII character (esbuild's --charset=ascii escapes strings but not regular
// expression literals) makes it a two-byte string: unitkitd's 0.9 MB bundle then took 1.8 MB of
// every manager's heap (issue #19). Write such characters as \uXXXX escapes in the source.
import { readFileSync } from 'node:fs';

let failed = false;
for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at < 0) continue;
  const text = bytes.subarray(Math.max(0, at - 60), at + 20).toString('utf8');
  process.stderr.write(`${file}: non-ASCII byte at offset ${at}: ...${text}...\n`);
  failed = true;
}
process.exit(failed ? 1 : 0);
