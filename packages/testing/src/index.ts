/**
 * @unitkit/testing — the kit plugin authors use to unit-test a unit type deterministically:
 * a virtual clock, fake processes, a fake notify socket and a logger that keeps its lines.
 */
import 'reflect-metadata';

export * from './signals.js';
export * from './signal-disposition.js';
export * from './errno-error.js';
export * from './fake-fd-watch.js';
export * from './fake-event-loop.js';
export * from './fake-process.js';
export * from './fake-process-spawner.js';
export * from './fake-notify-receiver.js';
export * from './memory-logger.js';
export * from './fake-ports-module.js';
export * from './create-fakes.js';

// createTestManager({ modules }) — a whole manager built by core's createManager() with the
// plugins under test and fakePortsModule() — belongs here, in create-test-manager.ts, written by
// the core author on top of createFakes() once createManager() exists.
