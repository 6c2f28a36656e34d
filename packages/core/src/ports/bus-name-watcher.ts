/**
 * The bus port: who owns a well-known name on the API bus (the user bus in --user mode, the
 * system bus in --system mode). systemd watches BusName= of every service this way
 * (unit_watch_bus_name(): a NameOwnerChanged match with arg0=name plus GetNameOwner), and a
 * Type=dbus service becomes running when its name is taken. The production implementation is a
 * bus client in the program that runs the manager (unitkitd); `@unitkit/testing` has a fake.
 */
import type { Disposable } from './event-loop.js';

/** Token and interface of the bus port. */
export const BusNameWatcher = Symbol('BusNameWatcher');
export interface BusNameWatcher {
  /**
   * Follows the owner of `name`. `onOwner` gets the owner's unique name (`:1.42`), or null when
   * nobody owns it: once the current owner is known (after the watch starts, and again after each
   * connection to the bus), then at every change. While no bus is connected it is not called — a
   * bus going away says nothing about the names on it, as in systemd. Handlers run from the event
   * loop, never from inside watch(). One watch per name: a second one while the first is active
   * throws (systemd refuses two services with one bus name).
   */
  watch(name: string, onOwner: (owner: string | null) => void): Disposable;
  /**
   * The pid of the process owning `name` (GetConnectionUnixProcessID), for services of other
   * types whose main pid is not known yet; undefined without a bus or an owner.
   */
  ownerPid(name: string): Promise<number | undefined>;
}
