/**
 * @unitkit/core — the unit manager: units, the unit-type vtable, dependencies, jobs and
 * transactions, and the ports through which everything with side effects goes.
 */
import 'reflect-metadata';

export * from './ports/index.js';
