/**
 * A BusNameWatcher without a bus: the test decides who owns which name (setOwner) and whether a
 * bus is connected at all (connect/disconnect), and the watchers hear about it through the fake
 * loop's deferred queue, as they would hear a NameOwnerChanged signal.
 */
import type { BusNameWatcher, Disposable } from '@unitkit/core';
import type { FakeEventLoop } from './fake-event-loop.js';

/** A BusNameWatcher for tests. */
export class FakeBusNameWatcher implements BusNameWatcher {
  private readonly owners = new Map<string, { owner: string; pid?: number }>();
  private readonly watchers = new Map<string, (owner: string | null) => void>();
  /** Whether a bus is connected; watchers hear nothing while it is not. */
  connected: boolean;

  constructor(readonly loop: FakeEventLoop, options: { connected?: boolean } = {}) {
    this.connected = options.connected ?? true;
  }

  /** See BusNameWatcher.watch; the current owner is delivered on the next loop turn. */
  watch(name: string, onOwner: (owner: string | null) => void): Disposable {
    if (this.watchers.has(name)) throw new Error(`Bus name ${name} is already watched.`);
    this.watchers.set(name, onOwner);
    if (this.connected) this.deliver(name);
    return {
      dispose: () => {
        if (this.watchers.get(name) === onOwner) this.watchers.delete(name);
      },
    };
  }

  /** See BusNameWatcher.ownerPid: the pid given to setOwner(). */
  async ownerPid(name: string): Promise<number | undefined> {
    return this.connected ? this.owners.get(name)?.pid : undefined;
  }

  /** Names being watched now. */
  watchedNames(): string[] {
    return [...this.watchers.keys()];
  }

  /** The owner the fake bus has for `name`. */
  ownerOf(name: string): string | null {
    return this.owners.get(name)?.owner ?? null;
  }

  /** Gives `name` to `owner` (null releases it) and tells its watcher, as NameOwnerChanged would. */
  setOwner(name: string, owner: string | null, pid?: number): void {
    if (owner === null) this.owners.delete(name);
    else this.owners.set(name, { owner, pid });
    if (this.connected) this.deliver(name);
  }

  /** A bus appears: every watcher gets its name's current owner, as after GetNameOwner. */
  connect(): void {
    this.connected = true;
    for (const name of this.watchers.keys()) this.deliver(name);
  }

  /** The bus goes away; names are forgotten (the next bus starts empty) and watchers hear nothing. */
  disconnect(): void {
    this.connected = false;
    this.owners.clear();
  }

  private deliver(name: string): void {
    const handler = this.watchers.get(name);
    if (!handler) return;
    const owner = this.ownerOf(name);
    this.loop.defer(() => {
      if (this.watchers.get(name) === handler && this.connected) handler(owner);
    });
  }
}
