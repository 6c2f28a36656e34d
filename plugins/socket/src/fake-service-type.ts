/**
 * A small service type for the socket plugin's own tests: it collects the fds of the units that
 * trigger it when it starts (as service_collect_fds() does), takes connections handed over with
 * acceptConnection(), honours the start limit, and lets the test decide when it dies.
 * Not exported from the package.
 */
import { ContainerModule } from 'inversify';
import { UnitTypeContribution, type AcceptedConnection, type Unit, type UnitActionResult, type UnitActiveState, type UnitType } from '@unitkit/core';

/** What the fake service was given. */
export interface FakeServiceData {
  state: 'dead' | 'running' | 'stopping' | 'failed';
  /** The fds and names collected at the last start. */
  fds: Array<{ fd: number; name: string }>;
  /** A connection handed over by an Accept=yes socket. */
  connection?: number;
  starts: number;
  /** Start fails at once (exit-code). */
  failOnStart: boolean;
}

const table: Record<FakeServiceData['state'], UnitActiveState> = { dead: 'inactive', running: 'active', stopping: 'deactivating', failed: 'failed' };

/** The fake service vtable. */
export class FakeServiceType implements UnitType<FakeServiceData> {
  readonly suffix = 'service';
  readonly sections: readonly string[] = [];
  readonly canFail = true;
  readonly startLimited = true;
  /** Stops complete at once unless set. */
  slowStop = false;

  init(): FakeServiceData {
    return { state: 'dead', fds: [], starts: 0, failOnStart: false };
  }

  load(): void {}

  start(unit: Unit<FakeServiceData>): UnitActionResult {
    unit.data.starts++;
    unit.data.fds = [];
    for (const s of unit.unitsWithAtom('TriggeredBy')) unit.data.fds.push(...(s.type.collectFds?.(s) ?? []));
    this.set(unit, unit.data.failOnStart ? 'failed' : 'running');
    return 'started';
  }

  stop(unit: Unit<FakeServiceData>): UnitActionResult {
    this.set(unit, this.slowStop ? 'stopping' : 'dead');
    return 'started';
  }

  activeState(unit: Unit<FakeServiceData>): UnitActiveState {
    return table[unit.data.state];
  }

  subState(unit: Unit<FakeServiceData>): string {
    return unit.data.state;
  }

  acceptConnection(unit: Unit<FakeServiceData>, connection: AcceptedConnection): boolean {
    const fd = connection.fd;
    unit.data.connection = fd;
    return true;
  }

  resetFailed(unit: Unit<FakeServiceData>): void {
    if (unit.data.state === 'failed') this.set(unit, 'dead');
  }

  startLimitHit(unit: Unit<FakeServiceData>): void {
    this.set(unit, 'failed');
  }

  /** The service's process died: failed (or dead with `clean`). */
  die(unit: Unit, clean = false): void {
    this.set(unit as Unit<FakeServiceData>, clean ? 'dead' : 'failed');
  }

  /** A slow stop finished. */
  stopped(unit: Unit): void {
    this.set(unit as Unit<FakeServiceData>, 'dead');
  }

  private set(unit: Unit<FakeServiceData>, state: FakeServiceData['state']): void {
    unit.data.state = state;
    unit.notifyStateChange();
  }
}

/** A module with a fresh fake service type, and the type for the test to drive. */
export function fakeServiceModule(): { module: ContainerModule; type: FakeServiceType } {
  const type = new FakeServiceType();
  return { type, module: new ContainerModule(({ bind }) => void bind(UnitTypeContribution).toConstantValue(type)) };
}
