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
export * from './fake-bus-name-watcher.js';
export * from './fake-inotify.js';
export * from './fake-ipc-objects.js';
export * from './fake-utmp-records.js';
export * from './fake-cgroup-tree.js';
export * from './memory-logger.js';
export * from './fake-process-scopes.js';
export * from './fake-socket-backend.js';
export * from './fake-fd-operations.js';
export * from './fake-output-capture.js';
export * from './fake-ports-module.js';
export * from './create-fakes.js';

export * from './memory-unit-source.js';
export * from './create-test-manager.js';
