/**
 * node:os, loaded on first use. Most managers never need it: the values they ask for often
 * (host name, kernel release, the user) are read from /proc and /etc (system-facts.ts), and a
 * module-level import of node:os cost every manager ~0.3 MB (issue #19). What remains (errno
 * numbers by name, the nice level, NSS lookups of a user /etc/passwd does not list) loads it here.
 */
import { createRequire } from 'node:module';

let loaded: typeof import('node:os') | undefined;

/** The node:os module, loaded the first time it is asked for. */
export function nodeOs(): typeof import('node:os') {
  return (loaded ??= createRequire(import.meta.url)('node:os') as typeof import('node:os'));
}
