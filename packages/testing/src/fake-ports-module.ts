/**
 * The container side of the fakes: one ContainerModule that binds the four port tokens of
 * @unitkit/core to fake instances, so a manager or a plugin resolved from the container talks
 * to the test instead of the machine.
 */
import { EventLoop, Logger, NotifyReceiver, ProcessSpawner } from '@unitkit/core';
import { ContainerModule } from 'inversify';
import type { FakeEventLoop } from './fake-event-loop.js';
import type { FakeNotifyReceiver } from './fake-notify-receiver.js';
import type { FakeProcessSpawner } from './fake-process-spawner.js';
import type { MemoryLogger } from './memory-logger.js';

/** The fake port implementations, one per port. */
export interface FakePorts {
  loop: FakeEventLoop;
  spawner: FakeProcessSpawner;
  notify: FakeNotifyReceiver;
  logger: MemoryLogger;
}

/**
 * A ContainerModule binding EventLoop, ProcessSpawner, NotifyReceiver and Logger to `fakes` as
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
  });
}
