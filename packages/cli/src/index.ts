/**
 * @unitkit/cli as a library: the composition unitkitd uses and the bundled examples, for tools
 * and tests that build on them.
 */
export * from './example-units.js';
