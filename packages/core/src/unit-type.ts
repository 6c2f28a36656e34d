/**
 * The unit-type vtable: one object per unit type, in the spirit of systemd's UnitVTable
 * (src/core/unit.h). Core owns units, dependencies, jobs and the event routing; everything that
 * differs between a service, a socket and a target is behind these hooks.
 *
 * A plugin contributes its type by binding it to {@link UnitTypeContribution} in its
 * ContainerModule; `createManager()` collects every contribution.
 */
import type { ChildExit, FdEvents } from './ports/event-loop.js';
import type { AcceptedConnection } from './ports/socket-backend.js';
import type { UnitActiveState } from './unit-active-state.js';
import type { UnitDefinition } from './unit-definition.js';
import type { PropertyList } from './property.js';
import type { Unit } from './unit.js';
import type { JobResult } from './job-type.js';

/**
 * What start, stop and reload return — systemd's return conventions given names:
 * - `started`: the unit began to change state (> 0); the job now waits for it to finish.
 * - `waiting`: nothing new was done but the unit is on its way (0, e.g. already activating);
 *   the job keeps waiting for the state change.
 * - `already`: the unit is already where the job wants it (-EALREADY); the job is done.
 * - `again`: the unit cannot act now (-EAGAIN, e.g. a start while it is still stopping); the job
 *   goes back to waiting and is retried at the unit's next state change.
 * - `failed`: the request cannot be carried out (any other error); the job fails. The type logs why.
 */
export type UnitActionResult = 'started' | 'waiting' | 'already' | 'again' | 'failed';

/** Flags a unit type passes along with a state change (systemd's UnitNotifyFlags). */
export interface UnitNotifyFlags {
  /** A reload was attempted and failed: the reload job fails although the unit stays active. */
  reloadFailure?: boolean;
  /** The unit failed but will restart by itself: OnFailure= is not triggered yet. */
  willAutoRestart?: boolean;
}

/** The credentials of a notify datagram's sender, as the kernel reported them. */
export interface NotifySender {
  pid: number;
  uid: number;
  gid: number;
}

/** Which processes a kill request is for (systemctl kill --kill-whom=). */
export type KillWhom = 'main' | 'control' | 'all' | 'main-fail' | 'control-fail' | 'all-fail';

/**
 * The vtable. `S` is the type-specific state each unit of this type carries as `unit.data`.
 * Hooks marked optional may be left out; the comment says what core does then.
 */
export interface UnitType<S = unknown> {
  /** The unit name suffix without the dot: "service", "socket", "target". */
  readonly suffix: string;
  /** The type-specific sections of its unit files, e.g. ["Service"]; [Unit] and [Install] are core's. */
  readonly sections: readonly string[];
  /** Whether units of this type can reload at all (reload jobs are refused otherwise). Default false. */
  readonly canReload?: boolean | ((unit: Unit<S>) => boolean);
  /** Whether units of this type can enter the failed state. Default false. */
  readonly canFail?: boolean;
  /** Whether units of this type trigger others (sockets trigger services). Default false. */
  readonly canTrigger?: boolean;
  /** Whether units of this type can be frozen (CanFreeze=). Default false. */
  readonly canFreeze?: boolean;
  /**
   * What `systemctl clean` could remove for this unit (systemd's CanClean=): "runtime", "state",
   * "cache", "logs", "configuration" for the exec directories it has. None when unset.
   */
  cleanableResources?(unit: Unit<S>): string[];
  /** Whether StartLimitIntervalSec=/StartLimitBurst= apply; core counts starts and refuses past the limit. Default false. */
  readonly startLimited?: boolean;
  /**
   * Whether a unit of this type is ordered after the units it pulls in (and after units that say
   * they are WantedBy/RequiredBy it) when both have DefaultDependencies=yes — what systemd does for
   * targets. Default false.
   */
  readonly orderedAfterDependencies?: boolean;

  /**
   * Optional. The type's own texts for the message logged when a start or stop job finishes, by
   * job result, with `%s` for the unit's description (systemd's status_message_formats: a slice
   * says "Created slice %s." instead of "Started %s."). Results without an entry keep core's text.
   */
  readonly statusMessageFormats?: {
    finishedStartJob?: Partial<Record<JobResult, string>>;
    finishedStopJob?: Partial<Record<JobResult, string>>;
  };

  /**
   * Called once on a fresh unit object, before anything is loaded. Returns the unit's type-specific
   * state with its defaults. No I/O, no dependencies: the unit may never be loaded.
   */
  init(unit: Unit<S>): S;

  /**
   * Called once with the unit's definition when it loaded (load state `loaded`). Reads the type's
   * own sections into `unit.data`, adds implicit dependencies (and default dependencies when
   * `unit.settings.defaultDependencies`), and verifies the result. A setting that makes the unit
   * unusable is refused by throwing {@link UnitLoadError} with a message naming the setting: the
   * unit then has load state bad-setting, and nothing else is affected.
   */
  load(unit: Unit<S>, definition: UnitDefinition): void;

  /**
   * Optional. Called after the unit was loaded (and, on a manager re-exec, deserialized) and before
   * it may act: the place to re-establish fd watches, timers and pid watches for the state the unit
   * is in (systemd's coldplug). Default: nothing.
   */
  done?(unit: Unit<S>): void;

  /**
   * Optional. Asked to start the unit. Core has already checked that the unit is loaded, not active,
   * its conditions and asserts, and the start limit when `startLimited`. Without this hook the unit
   * cannot be started by a job; such a job merely waits for an external state change.
   */
  start?(unit: Unit<S>): UnitActionResult;

  /**
   * Optional. Asked to stop the unit; core has checked it is not already inactive. Without this hook
   * a stop job waits for the unit to go down by itself.
   */
  stop?(unit: Unit<S>): UnitActionResult;

  /**
   * Optional. Asked to reload the active unit. Without it, a reload only propagates to
   * PropagatesReloadTo= units (when `canReload` allows a reload job at all).
   */
  reload?(unit: Unit<S>): UnitActionResult;

  /** The generic state the unit's sub-state maps to; must be cheap, core calls it often. */
  activeState(unit: Unit<S>): UnitActiveState;

  /** The type-specific sub-state name, as `SubState=` shows it ("running", "listening", "dead"…). */
  subState(unit: Unit<S>): string;

  /** Optional. An fd watched through `unit.watchFd()` has events. */
  fdEvent?(unit: Unit<S>, fd: number, events: FdEvents): void;

  /** Optional. A pid watched through `unit.watchPid()` was reaped. */
  sigchldEvent?(unit: Unit<S>, exit: ChildExit): void;

  /** Optional. A timer armed through `unit.setTimer(key, …)` elapsed. */
  timerEvent?(unit: Unit<S>, key: string): void;

  /**
   * Optional. A notify datagram arrived from a pid watched by this unit. `fields` are the parsed
   * assignments in order (a later key wins for lookups); `fds` came with FDSTORE=1 and belong to
   * the hook (close what it does not keep). Without this hook datagrams are dropped and logged.
   */
  notifyMessage?(unit: Unit<S>, sender: NotifySender, fields: Map<string, string>, fds: number[]): void;

  /**
   * Optional. A unit this one triggers (Triggers=) changed state — a socket learns here that its
   * service died and goes back to listening.
   */
  triggerNotify?(unit: Unit<S>, other: Unit): void;

  /** Optional. The wall clock was set (systemd's time_change): deadlines on the realtime clock are computed again. */
  timeChange?(unit: Unit<S>): void;

  /** Optional. The local time zone changed (systemd's timezone_change). */
  timezoneChange?(unit: Unit<S>): void;

  /** Optional. The type's properties for `show`, in systemd's order, after the generic ones. */
  properties?(unit: Unit<S>): PropertyList;

  /** Optional. Saves the unit's runtime state (and fds) for a manager re-exec. */
  serialize?(unit: Unit<S>): Record<string, unknown>;

  /**
   * Optional. The fds that serialize() names by number and that must stay open across a manager
   * re-exec (listening sockets, fd stores, accepted connections): they are inherited by the new
   * process image under the same numbers.
   */
  serializeFds?(unit: Unit<S>): number[];

  /** Optional. Restores what serialize() saved; done() is called afterwards. */
  deserialize?(unit: Unit<S>, state: Record<string, unknown>): void;

  /**
   * Optional. Whether the unit may be garbage-collected now that it is inactive and unreferenced;
   * return false to keep it (e.g. while it holds fds). Default true.
   */
  mayGc?(unit: Unit<S>): boolean;

  /** Optional. `reset-failed`: forget a failure, go from failed to the dead sub-state, clear the result. */
  resetFailed?(unit: Unit<S>): void;

  /** Optional. Whether the unit is inactive now but will restart by itself (auto-restart). Default false. */
  willRestart?(unit: Unit<S>): boolean;

  /**
   * Optional. Called when core's start rate limit refused a start; the type enters its failed state
   * with result start-limit-hit.
   */
  startLimitHit?(unit: Unit<S>): void;

  /** Optional. `kill`: send `signal` to the unit's processes; returns false when there was nothing to signal. */
  kill?(unit: Unit<S>, whom: KillWhom, signal: number): boolean;

  /** Optional. The unit's main pid, if any, for `MainPID=` and `$MAINPID`. */
  mainPid?(unit: Unit<S>): number | undefined;

  /**
   * Optional. The exit status of the unit's last run, for SuccessAction=/FailureAction= exit
   * (systemd's exit_status vtable hook): the main process's status when it exited, 'abnormal' when
   * a signal ended it, undefined when there is none (not run yet, still running, no main process).
   */
  exitStatus?(unit: Unit<S>): number | 'abnormal' | undefined;

  /** Optional. The unit's control pid (the ExecStartPre= … process running now), if any. */
  controlPid?(unit: Unit<S>): number | undefined;

  /** Optional. Status text a service sent (STATUS=), for `status`. */
  statusText?(unit: Unit<S>): string | undefined;

  /**
   * Optional, for triggering types (sockets). The fds to hand to a unit this one triggers when that
   * unit starts — its listening fds, in unit-file order, each with its FileDescriptorName=. A service
   * collects these from every unit that triggers it (and from its Sockets=), as systemd's
   * service_collect_fds() does.
   */
  collectFds?(unit: Unit<S>): Array<{ fd: number; name: string }>;

  /**
   * Optional, for triggered types (services). A triggering unit (a socket with Accept=yes) hands
   * this freshly created instance the connection it accepted, before starting it: the fd (owned by
   * the unit from then on) and its addresses, for REMOTE_ADDR=/REMOTE_PORT=. Returns false to
   * refuse (the caller closes the fd).
   */
  acceptConnection?(unit: Unit<S>, connection: AcceptedConnection, from: Unit): boolean;

  /**
   * Optional. The unit's process scope became empty (every process gone, cgroup.events said
   * "populated 0"): a service whose main process exited while children lived on learns here that
   * they are gone too (systemd's notify_cgroup_empty).
   */
  scopeEmpty?(unit: Unit<S>): void;

  /**
   * Optional. One of this type's hooks threw (core caught it, logged it at crit with the stack and
   * failed the unit's job): enter the failed state now with `result` (always 'resources'),
   * releasing what the unit holds — kill its processes, close its fds — as the type's own failure
   * path does. Core checks afterwards that the unit's active state is 'failed'; when this hook is
   * missing, throws too, or leaves the unit elsewhere, core marks the unit failed itself (its active
   * and sub state read 'failed' until reset-failed or the next start).
   */
  enterFailedState?(unit: Unit<S>, result: 'resources'): void;
}

/** Token for contributing unit types (multi-injection). */
export const UnitTypeContribution = Symbol('UnitTypeContribution');

/** Thrown by {@link UnitType.load} to refuse a unit's configuration (load state bad-setting). */
export class UnitLoadError extends Error {
  constructor(message: string, readonly loadState: 'bad-setting' | 'error' = 'bad-setting') {
    super(message);
    this.name = 'UnitLoadError';
  }
}

/**
 * Token for contributing load extensions (multi-injection): a plugin that adds something to units
 * of other plugins' types at load — the slice plugin assigns every unit with a cgroup its slice
 * (Slice=, or the manager's default) and reads its resource-control settings.
 */
export const UnitLoadExtension = Symbol('UnitLoadExtension');

/** A load extension; see {@link UnitLoadExtension}. */
export interface UnitLoadExtension {
  /**
   * Called for every unit whose type's load() succeeded, with the same definition, in contribution
   * order. May add dependencies and set generic unit fields; throwing {@link UnitLoadError} makes
   * the unit bad-setting as a type's load() would.
   */
  unitLoaded(unit: Unit, definition: UnitDefinition): void;
}
