/**
 * Test support, not part of the package's API: a minimal service-like unit type that stops exactly
 * as systemd's service_enter_signal() does, through the ProcessScopes port — the calls the service
 * plugin makes. [Service] carries Argv= (string[]) and TimeoutStop= (µs) besides the kill settings.
 */
import { inject, injectable } from 'inversify';
import type { ChildExit, Unit, UnitActionResult, UnitActiveState, UnitDefinition, UnitType, KillContext } from '@unitkit/core';
import { EventLoop, ProcessScopes, ProcessSpawner, readKillContext } from '@unitkit/core';

/** Sub-states, named as the service's. */
export type ToyServiceState = 'dead' | 'running' | 'stop-sigterm' | 'stop-sigkill' | 'final-sigterm' | 'final-sigkill';

const activeStates: Record<ToyServiceState, UnitActiveState> = {
  dead: 'inactive',
  running: 'active',
  'stop-sigterm': 'deactivating',
  'stop-sigkill': 'deactivating',
  'final-sigterm': 'deactivating',
  'final-sigkill': 'deactivating',
};

/** Per-unit data. */
export interface ToyServiceData {
  state: ToyServiceState;
  argv: string[];
  timeoutStop: number;
  kill: KillContext;
  mainPid?: number;
  /** Every state entered, for assertions. */
  history: ToyServiceState[];
}

/** The toy type. */
@injectable()
export class ToyServiceType implements UnitType<ToyServiceData> {
  readonly suffix = 'service';
  readonly sections = ['Service'];
  readonly canFail = true;

  constructor(
    @inject(ProcessScopes) private readonly scopes: ProcessScopes,
    @inject(ProcessSpawner) private readonly spawner: ProcessSpawner,
    @inject(EventLoop) private readonly loop: EventLoop,
  ) {}

  init(): ToyServiceData {
    return { state: 'dead', argv: [], timeoutStop: 1_000_000, kill: readKillContext(undefined), history: [] };
  }

  load(unit: Unit<ToyServiceData>, def: UnitDefinition): void {
    const sec = def.sections.get('Service');
    unit.data.argv = (sec?.get('Argv') as string[] | undefined) ?? [];
    unit.data.timeoutStop = (sec?.get('TimeoutStop') as number | undefined) ?? 1_000_000;
    unit.data.kill = readKillContext(sec);
  }

  start(unit: Unit<ToyServiceData>): UnitActionResult {
    const scope = this.scopes.scope(unit as unknown as Unit);
    const cgroupPath = scope.prepare();
    const { pid } = this.spawner.spawn({
      path: unit.data.argv[0]!,
      argv: unit.data.argv,
      env: ['PATH=/usr/bin:/bin'],
      stdin: { kind: 'null' },
      stdout: { kind: 'null' },
      stderr: { kind: 'null' },
      newSession: true,
      cgroupPath,
      unit: unit.id,
    });
    scope.add(pid);
    unit.watchPid(pid as number);
    unit.data.mainPid = pid;
    this.setState(unit, 'running');
    return 'started';
  }

  stop(unit: Unit<ToyServiceData>): UnitActionResult {
    if (unit.data.state !== 'running') return 'waiting';
    this.enterSignal(unit, 'stop-sigterm');
    return 'started';
  }

  activeState(unit: Unit<ToyServiceData>): UnitActiveState {
    return activeStates[unit.data.state];
  }

  subState(unit: Unit<ToyServiceData>): string {
    return unit.data.state;
  }

  mainPid(unit: Unit<ToyServiceData>): number | undefined {
    return unit.data.mainPid;
  }

  sigchldEvent(unit: Unit<ToyServiceData>, exit: ChildExit): void {
    if (exit.pid !== unit.data.mainPid) return;
    unit.data.mainPid = undefined;
    switch (unit.data.state) {
      case 'running':
        // The main process is gone; the service lives on while its scope has processes.
        if (this.scopes.scope(unit as unknown as Unit).isEmpty()) this.enterDead(unit);
        break;
      case 'stop-sigterm':
      case 'stop-sigkill':
        this.enterSignal(unit, 'final-sigterm');
        break;
      default:
        break;
    }
  }

  scopeEmpty(unit: Unit<ToyServiceData>): void {
    switch (unit.data.state) {
      case 'running':
        if (!unit.data.mainPid) this.enterDead(unit);
        break;
      case 'stop-sigterm':
      case 'stop-sigkill':
        if (!unit.data.mainPid) this.enterSignal(unit, 'final-sigterm');
        break;
      case 'final-sigterm':
      case 'final-sigkill':
        this.enterDead(unit);
        break;
      default:
        break;
    }
  }

  timerEvent(unit: Unit<ToyServiceData>): void {
    const k = unit.data.kill;
    switch (unit.data.state) {
      case 'stop-sigterm':
        unit.log('warning', 'State \'stop-sigterm\' timed out. Killing.');
        this.enterSignal(unit, k.sendSIGKILL ? 'stop-sigkill' : 'final-sigterm');
        break;
      case 'stop-sigkill':
        unit.log('warning', 'Processes still around after SIGKILL. Ignoring.');
        this.enterSignal(unit, 'final-sigterm');
        break;
      case 'final-sigterm':
        unit.log('warning', 'State \'final-sigterm\' timed out. Killing.');
        if (k.sendSIGKILL) this.enterSignal(unit, 'final-sigkill');
        else this.enterDead(unit);
        break;
      case 'final-sigkill':
        unit.log('warning', 'Processes still around after final SIGKILL. Entering failed mode.');
        this.enterDead(unit);
        break;
      default:
        break;
    }
  }

  /** systemd's service_enter_signal(): kill as the state says, wait if there is something to wait for. */
  private enterSignal(unit: Unit<ToyServiceData>, state: ToyServiceState): void {
    const op = state === 'stop-sigkill' || state === 'final-sigkill' ? 'kill' : 'terminate';
    const wait = this.scopes.killContext(unit as unknown as Unit, unit.data.kill, op, unit.data.mainPid, undefined);
    if (wait) {
      this.setState(unit, state);
      unit.setTimer('stop', this.loop.now() + unit.data.timeoutStop);
      return;
    }
    if (state === 'stop-sigterm' && unit.data.kill.sendSIGKILL) this.enterSignal(unit, 'stop-sigkill');
    else if (state === 'stop-sigterm' || state === 'stop-sigkill') this.enterSignal(unit, 'final-sigterm');
    else if (state === 'final-sigterm' && unit.data.kill.sendSIGKILL) this.enterSignal(unit, 'final-sigkill');
    else this.enterDead(unit);
  }

  private enterDead(unit: Unit<ToyServiceData>): void {
    unit.clearTimer('stop');
    this.setState(unit, 'dead');
    this.scopes.scope(unit as unknown as Unit).release();
  }

  private setState(unit: Unit<ToyServiceData>, state: ToyServiceState): void {
    unit.data.state = state;
    unit.data.history.push(state);
    unit.notifyStateChange();
  }
}
