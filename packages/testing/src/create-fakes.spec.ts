import 'reflect-metadata';
import { expect } from 'chai';
import { EventLoop, Logger, NotifyReceiver, ProcessSpawner, type ChildExit } from '@unitkit/core';
import { Container, inject, injectable } from 'inversify';
import { createFakes } from './create-fakes.js';
import { FakeEventLoop } from './fake-event-loop.js';
import { fakePortsModule } from './fake-ports-module.js';

/** Something shaped like a plugin service, resolving the ports from the container. */
@injectable()
class UsesPorts {
  constructor(
    @inject(EventLoop) readonly loop: EventLoop,
    @inject(ProcessSpawner) readonly spawner: ProcessSpawner,
    @inject(NotifyReceiver) readonly notify: NotifyReceiver,
    @inject(Logger) readonly logger: Logger,
  ) {}
}

describe('createFakes and fakePortsModule', () => {
  it('binds the four port tokens to the fakes', () => {
    const fakes = createFakes();
    const container = new Container();
    container.load(fakes.module);
    expect(container.get(EventLoop)).to.equal(fakes.loop);
    expect(container.get(ProcessSpawner)).to.equal(fakes.spawner);
    expect(container.get(NotifyReceiver)).to.equal(fakes.notify);
    expect(container.get(Logger)).to.equal(fakes.logger);
    container.bind(UsesPorts).toSelf();
    expect(container.get(UsesPorts).loop).to.equal(fakes.loop);
  });

  it('wires the spawner, notify receiver and logger to one loop', () => {
    const { loop, spawner, notify, logger } = createFakes({ logger: { echo: false } });
    const exits: ChildExit[] = [];
    loop.onChildExit((e) => exits.push(e));
    const { pid } = spawner.spawn({ path: '/bin/true', argv: ['true'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'null' }, stderr: { kind: 'null' } });
    spawner.last().exit(0);
    expect(exits).to.deep.equal([{ pid, code: 'exited', status: 0 }]);
    expect(notify.loop).to.equal(loop);
    loop.advance(10);
    logger.log({ level: 'info', message: 'x' });
    expect(logger.records[0]!.at).to.equal(loop.now());
  });

  it('passes options on to each fake', () => {
    const fakes = createFakes({ loop: { monotonic: 42 }, spawner: { firstPid: 7 }, notifyAddress: '@n', logger: { level: 'err', echo: false } });
    expect(fakes.loop.now()).to.equal(42);
    expect(fakes.notify.address).to.equal('@n');
    expect(fakes.logger.enabled('info')).to.equal(false);
    expect(fakes.spawner.spawn({ path: '/x', argv: ['x'], env: [], stdin: { kind: 'null' }, stdout: { kind: 'null' }, stderr: { kind: 'null' } }).pid).to.equal(7);
  });

  it('lets a test replace real bindings with rebind', () => {
    const container = new Container();
    container.bind(EventLoop).toConstantValue(new FakeEventLoop({ monotonic: 1 }));
    const fakes = createFakes();
    container.rebind(EventLoop).toConstantValue(fakes.loop);
    expect(container.get(EventLoop)).to.equal(fakes.loop);
    const second = new Container();
    second.load(fakePortsModule(fakes));
    expect(second.get(Logger)).to.equal(fakes.logger);
  });
});
