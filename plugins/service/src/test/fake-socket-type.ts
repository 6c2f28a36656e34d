/**
 * A stand-in for the socket plugin in these tests: .socket units that are active once started and
 * hand out fixed fds through collectFds().
 */
import { ContainerModule, injectable } from 'inversify';
import { UnitTypeContribution, type Unit, type UnitType } from '@unitkit/core';

/** Fds each fake socket hands out, by unit name. */
export const fakeSocketFds = new Map<string, Array<{ fd: number; name: string }>>();

@injectable()
class FakeSocketType implements UnitType<{ active: boolean }> {
  readonly suffix = 'socket';
  readonly sections: readonly string[] = [];
  readonly canTrigger = true;
  init() {
    return { active: false };
  }
  load() {}
  start(u: Unit<{ active: boolean }>) {
    u.data.active = true;
    u.notifyStateChange();
    return 'started' as const;
  }
  stop(u: Unit<{ active: boolean }>) {
    u.data.active = false;
    u.notifyStateChange();
    return 'started' as const;
  }
  activeState(u: Unit<{ active: boolean }>) {
    return u.data.active ? ('active' as const) : ('inactive' as const);
  }
  subState(u: Unit<{ active: boolean }>) {
    return u.data.active ? 'listening' : 'dead';
  }
  collectFds(u: Unit<{ active: boolean }>) {
    return fakeSocketFds.get(u.id) ?? [];
  }
}

/** The module binding the fake socket type. */
export const fakeSocketModule = new ContainerModule(({ bind }) => {
  bind(FakeSocketType).toSelf().inSingletonScope();
  bind(UnitTypeContribution).toService(FakeSocketType);
});
