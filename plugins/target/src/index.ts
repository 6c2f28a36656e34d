/**
 * @unitkit/plugin-target — the target unit type.
 */
export * from './target-state.js';
export * from './target-unit-type.js';
export * from './target-module.js';
