/**
 * The container side of the fakes: one ContainerModule that binds the port tokens of
 * @unitkit/core to fake instances, so a manager or a plugin resolved from the container talks
 * to the test instead of the machine.
 */
import { BusNameWatcher, EventLoop, FdOperations, Inotify, IpcObjects, UtmpRecords, Logger, NotifyReceiver, OutputCapture, ProcessScopes, ProcessSpawner, SocketBackend } from '@unitkit/core';
import { ContainerModule } from 'inversify';
import type { FakeEventLoop } from './fake-event-loop.js';
import type { FakeNotifyReceiver } from './fake-notify-receiver.js';
import type { FakeProcessSpawner } from './fake-process-spawner.js';
import type { MemoryLogger } from './memory-logger.js';
import type { FakeProcessScopes } from './fake-process-scopes.js';
import type { FakeSocketBackend } from './fake-socket-backend.js';
import type { FakeFdOperations } from './fake-fd-operations.js';
import type { FakeOutputCapture } from './fake-output-capture.js';
import type { FakeBusNameWatcher } from './fake-bus-name-watcher.js';
import type { FakeInotify } from './fake-inotify.js';
import type { FakeIpcObjects } from './fake-ipc-objects.js';
import type { FakeUtmpRecords } from './fake-utmp-records.js';

/** The fake port implementations, one per port. */
export interface FakePorts {
  loop: FakeEventLoop;
  spawner: FakeProcessSpawner;
  notify: FakeNotifyReceiver;
  logger: MemoryLogger;
  scopes: FakeProcessScopes;
  sockets: FakeSocketBackend;
  fds: FakeFdOperations;
  output: FakeOutputCapture;
  /** The bus (BusNameWatcher); optional so hand-built FakePorts without one stay valid. */
  bus?: FakeBusNameWatcher;
  /** inotify (Inotify); optional for the same reason. */
  inotify?: FakeInotify;
  /** RemoveIPC='s port (IpcObjects); optional for the same reason. */
  ipc?: FakeIpcObjects;
  /** UtmpIdentifier='s port (UtmpRecords); optional for the same reason. */
  utmp?: FakeUtmpRecords;
}

/**
 * A ContainerModule binding every port token (EventLoop, ProcessSpawner, NotifyReceiver, Logger,
 * ProcessScopes, SocketBackend, FdOperations, OutputCapture, and BusNameWatcher, Inotify, IpcObjects and UtmpRecords when given) to `fakes` as
 * constants. Load it instead of the production ports module; when a container already has the
 * real ports bound, use `container.rebind()` per token instead: inversify accepts a second
 * binding of a token, but resolving it then fails as ambiguous.
 */
export function fakePortsModule(fakes: FakePorts): ContainerModule {
  return new ContainerModule((options) => {
    options.bind<EventLoop>(EventLoop).toConstantValue(fakes.loop);
    options.bind<ProcessSpawner>(ProcessSpawner).toConstantValue(fakes.spawner);
    options.bind<NotifyReceiver>(NotifyReceiver).toConstantValue(fakes.notify);
    options.bind<Logger>(Logger).toConstantValue(fakes.logger);
    options.bind<ProcessScopes>(ProcessScopes).toConstantValue(fakes.scopes);
    options.bind<SocketBackend>(SocketBackend).toConstantValue(fakes.sockets);
    options.bind<FdOperations>(FdOperations).toConstantValue(fakes.fds);
    options.bind<OutputCapture>(OutputCapture).toConstantValue(fakes.output);
    if (fakes.bus) options.bind<BusNameWatcher>(BusNameWatcher).toConstantValue(fakes.bus);
    if (fakes.inotify) options.bind<Inotify>(Inotify).toConstantValue(fakes.inotify);
    if (fakes.ipc) options.bind<IpcObjects>(IpcObjects).toConstantValue(fakes.ipc);
    if (fakes.utmp) options.bind<UtmpRecords>(UtmpRecords).toConstantValue(fakes.utmp);
  });
}
