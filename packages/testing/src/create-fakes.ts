/**
 * The usual starting point of a plugin test: every fake, wired to one loop, plus the module that
 * binds them.
 */
import type { ContainerModule } from 'inversify';
import { FakeEventLoop, type FakeEventLoopOptions } from './fake-event-loop.js';
import { FakeNotifyReceiver } from './fake-notify-receiver.js';
import { fakePortsModule, type FakePorts } from './fake-ports-module.js';
import { FakeProcessSpawner, type FakeProcessSpawnerOptions } from './fake-process-spawner.js';
import { MemoryLogger, type MemoryLoggerOptions } from './memory-logger.js';
import { FakeProcessScopes } from './fake-process-scopes.js';
import { FakeSocketBackend } from './fake-socket-backend.js';
import { FakeFdOperations } from './fake-fd-operations.js';
import { FakeOutputCapture } from './fake-output-capture.js';
import { FakeBusNameWatcher } from './fake-bus-name-watcher.js';
import { FakeInotify } from './fake-inotify.js';
import { FakeIpcObjects } from './fake-ipc-objects.js';
import { FakeUtmpRecords } from './fake-utmp-records.js';

/** Options of createFakes(), passed on to each fake. */
export interface CreateFakesOptions {
  loop?: FakeEventLoopOptions;
  spawner?: FakeProcessSpawnerOptions;
  /** NOTIFY_SOCKET address; FAKE_NOTIFY_ADDRESS by default. */
  notifyAddress?: string;
  /** Logger options; the logger's clock defaults to the fake loop. */
  logger?: MemoryLoggerOptions;
  /** Bind the fake bus (BusNameWatcher); default true. false: a manager without a bus. */
  bus?: boolean;
}

/** The fakes of createFakes() and the ContainerModule that binds them. */
export interface Fakes extends FakePorts {
  module: ContainerModule;
  /** The fake bus: a bus is connected and no name is owned until the test says so. */
  bus: FakeBusNameWatcher;
  /** The fake inotify: watches are recorded, events come from `emit()`. */
  inotify: FakeInotify;
  /** The fake IPC objects port: RemoveIPC='s removals are recorded. */
  ipc: FakeIpcObjects;
  /** The fake utmp: UtmpIdentifier='s records are kept in memory. */
  utmp: FakeUtmpRecords;
}

/**
 * Creates a FakeEventLoop and a spawner, notify receiver and logger that deliver through it and
 * stamp with its clock.
 */
export function createFakes(options: CreateFakesOptions = {}): Fakes {
  const loop = new FakeEventLoop(options.loop);
  const spawner = new FakeProcessSpawner(loop, options.spawner);
  const notify = new FakeNotifyReceiver(loop, options.notifyAddress);
  const logger = new MemoryLogger({ clock: loop, ...options.logger });
  const fakes: FakePorts & { bus: FakeBusNameWatcher; inotify: FakeInotify; ipc: FakeIpcObjects; utmp: FakeUtmpRecords } = {
    loop,
    spawner,
    notify,
    logger,
    scopes: new FakeProcessScopes(spawner),
    sockets: new FakeSocketBackend(),
    fds: new FakeFdOperations(),
    output: new FakeOutputCapture(),
    bus: new FakeBusNameWatcher(loop),
    inotify: new FakeInotify(loop),
    ipc: new FakeIpcObjects(),
    utmp: new FakeUtmpRecords(),
  };
  return { ...fakes, module: fakePortsModule(options.bus === false ? { ...fakes, bus: undefined } : fakes) };
}
