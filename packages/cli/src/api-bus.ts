/**
 * The API bus: unitkitd as a client of the user's (or the system's) bus daemon, as systemd is.
 *
 * - It connects when dbus.socket is running and dbus.service is running (systemd's
 *   manager_recheck_dbus()/manager_dbus_is_running(): the bus the manager serves its units on is
 *   the one it runs itself), and drops the connection when either goes down or the bus closes it;
 *   the next time both are up it connects again.
 * - It is core's BusNameWatcher: each watched name gets a NameOwnerChanged match with arg0 and a
 *   GetNameOwner, after every connection (unit_watch_bus_name()/unit_install_bus_match()).
 * - It owns org.freedesktop.systemd1 (REPLACE_EXISTING|ALLOW_REPLACEMENT, as bus_setup_api()) and
 *   follows org.freedesktop.systemd1.Activator.ActivationRequest from the bus driver: dbus-daemon
 *   --systemd-activation sends one for a bus service file with SystemdService=, and the unit is
 *   started; a refusal goes back to the driver as ActivationFailure(name, error, message)
 *   (signal_activation_request()).
 * - Method calls that reach us go to an optional handler: the Manager's object tree, read-only
 *   over the bus (the bus daemon is our peer, so no caller is known to be allowed to change state).
 */
import type { BusNameWatcher, Disposable, EventLoop, Logger, LogLevel, Manager, Unit } from '@unitkit/core';
import { BusClient, connectBus, DbusError, type DbusConnection, type DecodedMessage } from '@unitkit/dbus';
import { toDbusError } from './systemd-bus-api.js';

const DRIVER = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
/** The name systemd takes on its API bus. */
export const SYSTEMD_BUS_NAME = 'org.freedesktop.systemd1';
const ACTIVATOR = 'org.freedesktop.systemd1.Activator';
/** DBUS_NAME_FLAG_ALLOW_REPLACEMENT | DBUS_NAME_FLAG_REPLACE_EXISTING. */
const SYSTEMD_NAME_FLAGS = 1 | 2;
/** How long to wait before trying again when connecting fails while the bus units are up. */
const RETRY_USEC = 1_000_000;
const MAX_RETRIES = 10;

/** Options of {@link ApiBus}. */
export interface ApiBusOptions {
  loop: Pick<EventLoop, 'watchFd' | 'armTimer' | 'now'>;
  logger?: Logger;
  /** The bus address, asked at each connection (the manager environment may say it meanwhile). */
  address: () => string;
}

/** A name being watched and what its current match is. */
interface Watch {
  name: string;
  onOwner: (owner: string | null) => void;
  /** Which connection its match and GetNameOwner were installed on. */
  installedOn?: BusClient;
}

/** The API bus connection and the BusNameWatcher port on it. */
export class ApiBus implements BusNameWatcher {
  private client: BusClient | undefined;
  private connecting = false;
  private manager: Manager | undefined;
  private readonly watches = new Map<string, Watch>();
  private retryTimer: Disposable | undefined;
  private retries = 0;
  private closed = false;
  private readonly listeners: Array<() => void> = [];
  private methodHandler: ((message: DecodedMessage, connection: DbusConnection) => void) | undefined;

  constructor(private readonly opts: ApiBusOptions) {}

  /** Whether a bus connection is up. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Our unique name on the bus, when connected. */
  get uniqueName(): string | undefined {
    return this.client?.uniqueName;
  }

  /**
   * Starts following dbus.socket and dbus.service of `manager` (the manager is created after this
   * port is bound, hence not a constructor argument) and connects if both are up already.
   */
  attach(manager: Manager): void {
    this.manager = manager;
    const onState = (u: Unit) => {
      if (u.id === 'dbus.socket' || u.id === 'dbus.service') this.recheck();
    };
    manager.events.on('unit-state', onState);
    this.listeners.push(() => manager.events.off('unit-state', onState));
    this.recheck();
  }

  /** Serves method calls addressed to us with `handler` (the Manager's object tree); UnknownMethod without one. */
  serve(handler: (message: DecodedMessage, connection: DbusConnection) => void): void {
    this.methodHandler = handler;
  }

  /** Closes the connection and stops following the manager. */
  close(): void {
    this.closed = true;
    for (const off of this.listeners.splice(0)) off();
    this.retryTimer?.dispose();
    this.disconnect('the manager is stopping');
  }

  // ---------------------------------------------------------------------------------------------
  // BusNameWatcher
  // ---------------------------------------------------------------------------------------------

  watch(name: string, onOwner: (owner: string | null) => void): Disposable {
    if (this.watches.has(name)) throw new Error(`Bus name ${name} is already watched.`);
    const w: Watch = { name, onOwner };
    this.watches.set(name, w);
    if (this.client) this.install(this.client, w);
    return {
      dispose: () => {
        if (this.watches.get(name) !== w) return;
        this.watches.delete(name);
        const c = w.installedOn;
        if (c && c === this.client && !c.connection.closed) c.removeMatch(nameOwnerRule(name)).catch(() => undefined);
      },
    };
  }

  async ownerPid(name: string): Promise<number | undefined> {
    const c = this.client;
    if (!c) return undefined;
    try {
      const [pid] = await c.call(DRIVER.destination, DRIVER.path, DRIVER.interface, 'GetConnectionUnixProcessID', 's', [name]);
      return typeof pid === 'number' && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Connecting
  // ---------------------------------------------------------------------------------------------

  /** manager_recheck_dbus(): connect when the bus units are up, disconnect when they are not. */
  recheck(): void {
    if (this.closed || !this.manager) return;
    if (this.busUnitsRunning()) {
      if (!this.client && !this.connecting) {
        this.retries = 0;
        void this.connect();
      }
    } else {
      this.retryTimer?.dispose();
      this.retryTimer = undefined;
      if (this.client) this.disconnect('D-Bus is going away');
    }
  }

  /** manager_dbus_is_running(): dbus.socket running (its service active) and dbus.service running or reloading. */
  private busUnitsRunning(): boolean {
    const socket = this.manager?.getUnit('dbus.socket');
    const service = this.manager?.getUnit('dbus.service');
    if (!socket || !service) return false;
    return socket.subState() === 'running' && ['running', 'reload', 'reload-signal', 'reload-notify'].includes(service.subState());
  }

  private async connect(): Promise<void> {
    this.connecting = true;
    const address = this.opts.address();
    let client: BusClient;
    try {
      client = await connectBus({
        address,
        loop: this.opts.loop,
        logger: this.opts.logger,
        onMethodCall: (m, c) => this.methodCall(m, c),
        onClose: (reason) => this.onClose(client, reason),
      });
    } catch (e) {
      this.connecting = false;
      this.log('warning', `Failed to connect to the API bus at ${address}: ${(e as Error).message}`);
      this.scheduleRetry();
      return;
    }
    this.connecting = false;
    if (this.closed || !this.busUnitsRunning()) {
      client.close();
      return;
    }
    this.client = client;
    try {
      await client.subscribe({ sender: DRIVER.destination, path: DRIVER.path, interface: DRIVER.interface, member: 'NameOwnerChanged' }, (m) => this.nameOwnerChanged(client, m), false);
      await client.subscribe({ sender: DRIVER.destination, path: DRIVER.path, interface: ACTIVATOR, member: 'ActivationRequest' }, (m) => this.activationRequest(client, m));
      for (const w of this.watches.values()) this.install(client, w);
      const code = await client.requestName(SYSTEMD_BUS_NAME, SYSTEMD_NAME_FLAGS);
      if (code !== 1 && code !== 4) this.log('warning', `Could not become the owner of ${SYSTEMD_BUS_NAME} on the API bus (RequestName answered ${code}); D-Bus activation requests will not reach us.`);
      this.log('debug', `Successfully connected to API bus ${address} as ${client.uniqueName}.`);
    } catch (e) {
      if (this.client === client) this.log('warning', `Failed to set up the API bus connection: ${(e as Error).message}`);
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer || this.retries >= MAX_RETRIES || !this.busUnitsRunning()) return;
    this.retries++;
    this.retryTimer = this.opts.loop.armTimer(this.opts.loop.now() + RETRY_USEC, () => {
      this.retryTimer = undefined;
      if (!this.client && !this.connecting && this.busUnitsRunning()) void this.connect();
    });
  }

  private onClose(client: BusClient | undefined, reason: string | undefined): void {
    if (!client || this.client !== client) return;
    this.client = undefined;
    for (const w of this.watches.values()) w.installedOn = undefined;
    if (this.closed) return;
    this.log('info', `Disconnected from the API bus${reason ? `: ${reason}` : ''}.`);
    // The bus may come back with the units (a restart of dbus.service connects again), or be
    // back already: try again while the units say it runs.
    this.scheduleRetry();
  }

  private disconnect(why: string): void {
    const c = this.client;
    if (!c) return;
    this.client = undefined;
    for (const w of this.watches.values()) w.installedOn = undefined;
    this.log('debug', `Disconnecting from the API bus: ${why}.`);
    c.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Names
  // ---------------------------------------------------------------------------------------------

  /** unit_install_bus_match(): the match, then GetNameOwner; NameHasNoOwner means nobody. */
  private install(client: BusClient, w: Watch): void {
    w.installedOn = client;
    const current = () => this.client === client && this.watches.get(w.name) === w;
    client
      .addMatch(nameOwnerRule(w.name))
      .then(() => client.call(DRIVER.destination, DRIVER.path, DRIVER.interface, 'GetNameOwner', 's', [w.name]))
      .then(
        ([owner]) => {
          if (current()) w.onOwner(typeof owner === 'string' && owner !== '' ? owner : null);
        },
        (e: unknown) => {
          if (!current()) return;
          if (e instanceof DbusError && e.errorName === 'org.freedesktop.DBus.Error.NameHasNoOwner') w.onOwner(null);
          else this.log('warning', `Failed to ask the bus who owns ${w.name}: ${(e as Error).message}`);
        },
      );
  }

  private nameOwnerChanged(client: BusClient, m: DecodedMessage): void {
    if (this.client !== client || m.signature !== 'sss') return;
    const [name, , newOwner] = m.body as [string, string, string];
    const w = this.watches.get(name);
    if (!w || w.installedOn !== client) return;
    w.onOwner(newOwner === '' ? null : newOwner);
  }

  // ---------------------------------------------------------------------------------------------
  // Activation
  // ---------------------------------------------------------------------------------------------

  /** signal_activation_request(): start the unit; tell the driver why not. */
  private activationRequest(client: BusClient, m: DecodedMessage): void {
    const manager = this.manager;
    if (this.client !== client || !manager) return;
    if (m.signature !== 's') {
      this.log('debug', `Ignoring ActivationRequest with signature '${m.signature ?? ''}'.`);
      return;
    }
    const [name] = m.body as [string];
    try {
      if (inactiveOrPending(manager, 'dbus.service') || inactiveOrPending(manager, 'dbus.socket')) {
        throw new DbusError('org.freedesktop.systemd1.ShuttingDown', 'Refusing activation, D-Bus is shutting down.');
      }
      const u = manager.loadUnit(name);
      if (u.settings.refuseManualStart) {
        throw new DbusError('org.freedesktop.systemd1.OnlyByDependency', `Operation refused, ${u.id} may be requested by dependency only (it is configured to refuse manual start/stop).`);
      }
      manager.addJob('start', u, 'replace');
      this.log('debug', `D-Bus activation of ${name} queued.`);
    } catch (e) {
      const mapped = toDbusError(e);
      const error = mapped instanceof DbusError ? mapped : new DbusError('org.freedesktop.DBus.Error.Failed', (e as Error)?.message ?? String(e));
      this.log('debug', `D-Bus activation failed for ${name}: ${error.message}`);
      client.connection.emitSignal('/org/freedesktop/systemd1', ACTIVATOR, 'ActivationFailure', 'sss', [name, error.errorName, error.message], DRIVER.destination);
    }
  }

  private methodCall(m: DecodedMessage, c: DbusConnection): void {
    if (this.methodHandler) this.methodHandler(m, c);
    else c.replyError(m, 'org.freedesktop.DBus.Error.UnknownMethod', `Unknown method ${m.member ?? ''}.`);
  }

  private log(level: LogLevel, message: string): void {
    this.opts.logger?.log({ level, message });
  }
}

/** The match systemd installs per watched name: NameOwnerChanged from the driver with arg0. */
export function nameOwnerRule(name: string): string {
  return `type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${name}'`;
}

/** manager_unit_inactive_or_pending(): no such unit, inactive, or being stopped. */
function inactiveOrPending(manager: Manager, name: string): boolean {
  const u = manager.getUnit(name);
  if (!u) return true;
  const state = u.activeState();
  if (state === 'inactive' || state === 'failed' || state === 'deactivating') return true;
  return u.job?.type === 'stop';
}
