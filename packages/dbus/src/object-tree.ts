/**
 * An object tree for a D-Bus server: object paths → interfaces → methods, properties and
 * signals, with the standard interfaces answered from it: org.freedesktop.DBus.Properties
 * (Get, GetAll, Set, PropertiesChanged), Introspectable (XML generated from the tree) and Peer
 * (Ping, GetMachineId). Use `tree.handler` as a server's or connection's onMessage.
 */
import { readFileSync } from 'node:fs';
import type { Disposable } from '@unitkit/core';
import type { DbusConnection } from './connection.js';
import { DbusError, DbusErrorNames } from './errors.js';
import { introspectionXml } from './introspection.js';
import { MessageType, type DecodedMessage } from './message.js';
import { isValidInterfaceName, isValidMemberName, isValidObjectPath } from './names.js';
import { parseSignature } from './signature.js';
import { Variant } from './variant.js';

/** Who is calling, and on which connection. */
export interface CallContext {
  message: DecodedMessage;
  connection: DbusConnection;
  path: string;
}

/** A method: its argument signatures and the handler returning the reply body. */
export interface MethodSpec {
  inSignature?: string;
  outSignature?: string;
  /** Argument names for introspection. */
  inNames?: string[];
  outNames?: string[];
  /**
   * Returns the reply body (an array matching outSignature; undefined for none), or a promise of
   * it. Throw/reject with a DbusError to send that error; other errors become ...Error.Failed.
   */
  handler: (args: unknown[], context: CallContext) => unknown[] | void | Promise<unknown[] | void>;
}

/** A property: its type, how it is read and (for writable ones) written. */
export interface PropertySpec {
  signature: string;
  /** Returns the plain value (wrapped in a Variant of `signature` for Get/GetAll). */
  get?: (context: CallContext) => unknown;
  /** Present for writable properties; throw a DbusError to refuse. */
  set?: (value: unknown, context: CallContext) => void;
  /** Introspection annotation org.freedesktop.DBus.Property.EmitsChangedSignal (default true). */
  emitsChange?: 'true' | 'false' | 'invalidates' | 'const';
}

/** A signal: its signature (for introspection). */
export interface SignalSpec {
  signature?: string;
  names?: string[];
}

/** One interface of an object. */
export interface InterfaceSpec {
  methods?: Record<string, MethodSpec>;
  properties?: Record<string, PropertySpec>;
  signals?: Record<string, SignalSpec>;
  /**
   * GetAll's fast path, for objects whose properties are computed together from one snapshot
   * (systemd's units: ~300 of them per call): sets every readable property's value into `out`,
   * in the order GetAll lists them, without a getter call per property. `properties` must still
   * describe the same properties: Get, Set, PropertiesChanged and introspection read it.
   */
  getAll?: (context: CallContext, out: Map<string, Variant>) => void;
  /**
   * Get's fast path, for the same objects: the value of one property, or undefined to look it up
   * in `properties` (which also answers for unknown ones).
   */
  getOne?: (name: string, context: CallContext) => Variant | undefined;
}

/** The interfaces of one object, by name. */
export type ObjectSpec = Record<string, InterfaceSpec>;

/** Options of {@link ObjectTree}. */
export interface ObjectTreeOptions {
  /** The machine id for Peer.GetMachineId (default: /etc/machine-id, read when asked). */
  machineId?: string;
}

const PROPERTIES = 'org.freedesktop.DBus.Properties';
const INTROSPECTABLE = 'org.freedesktop.DBus.Introspectable';
const PEER = 'org.freedesktop.DBus.Peer';

/** See the module comment. */
export class ObjectTree {
  private readonly objects = new Map<string, ObjectSpec>();
  private readonly fallbacks = new Map<string, (path: string) => ObjectSpec | undefined>();

  constructor(private readonly options: ObjectTreeOptions = {}) {}

  /** The onMessage handler to give a server or connection. */
  readonly handler = (message: DecodedMessage, connection: DbusConnection): void => {
    if (message.type === MessageType.MethodCall) this.dispatch(message, connection);
  };

  /** Registers the object at `path`; dispose to remove it. Signatures are validated now. */
  addObject(path: string, spec: ObjectSpec): Disposable {
    if (!isValidObjectPath(path)) throw new TypeError(`invalid object path ${JSON.stringify(path)}`);
    validateSpec(spec);
    this.objects.set(path, spec);
    return { dispose: () => this.objects.get(path) === spec && this.objects.delete(path) };
  }

  /**
   * Serves every path under `prefix` (not `prefix` itself) that `resolve` knows — for objects
   * that exist in numbers, like systemd's units. Dispose to remove.
   */
  addFallback(prefix: string, resolve: (path: string) => ObjectSpec | undefined): Disposable {
    if (!isValidObjectPath(prefix)) throw new TypeError(`invalid object path ${JSON.stringify(prefix)}`);
    this.fallbacks.set(prefix, resolve);
    return { dispose: () => this.fallbacks.get(prefix) === resolve && this.fallbacks.delete(prefix) };
  }

  /** The object at `path`, registered or from a fallback. */
  lookup(path: string): ObjectSpec | undefined {
    const direct = this.objects.get(path);
    if (direct) return direct;
    for (const [prefix, resolve] of this.fallbacks) {
      if (path.startsWith(prefix === '/' ? '/' : prefix + '/') && path !== prefix) {
        const spec = resolve(path);
        if (spec) return spec;
      }
    }
    return undefined;
  }

  /** Emits PropertiesChanged for `names` of `iface` at `path`, with their current values. */
  emitPropertiesChanged(connection: DbusConnection, path: string, iface: string, names: string[], invalidated: string[] = [], object?: ObjectSpec): void {
    // A caller that already looked the object up passes it: building an object can be costly.
    const spec = (object ?? this.lookup(path))?.[iface];
    if (!spec) throw new TypeError(`no interface ${iface} at ${path}`);
    const changed = new Map<string, Variant>();
    const fake = { message: undefined as unknown as DecodedMessage, connection, path };
    for (const name of names) {
      const p = spec.properties?.[name];
      if (!p?.get) throw new TypeError(`no readable property ${name} on ${iface}`);
      changed.set(name, new Variant(p.signature, p.get(fake)));
    }
    connection.emitSignal(path, PROPERTIES, 'PropertiesChanged', 'sa{sv}as', [iface, changed, invalidated]);
  }

  /** The introspection XML of `path`. */
  introspect(path: string): string {
    const spec = this.lookup(path);
    return introspectionXml(spec ?? {}, this.childNames(path), spec !== undefined);
  }

  private childNames(path: string): string[] {
    const prefix = path === '/' ? '/' : path + '/';
    const names = new Set<string>();
    for (const p of this.objects.keys()) if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]!);
    for (const p of this.fallbacks.keys()) if (p.startsWith(prefix) && p !== path) names.add(p.slice(prefix.length).split('/')[0]!);
    return [...names].sort();
  }

  private dispatch(m: DecodedMessage, conn: DbusConnection): void {
    const ctx: CallContext = { message: m, connection: conn, path: m.path! };
    // Replying can itself fail (a body that does not match outSignature, a bad error name): that
    // becomes an ...Error.Failed reply, never an unhandled rejection.
    const respond = (send: () => void) => {
      try {
        if (!conn.closed) send();
      } catch (error) {
        try {
          if (!conn.closed) conn.replyError(m, DbusErrorNames.Failed, error instanceof Error ? error.message : String(error));
        } catch {
          // the connection is gone
        }
      }
    };
    const finish = (result: Promise<[string, unknown[]]>) =>
      result.then(
        ([sig, body]) => respond(() => conn.reply(m, sig, body)),
        (error: unknown) =>
          respond(() => {
            if (error instanceof DbusError) conn.replyError(m, error.errorName, error.message);
            else conn.replyError(m, DbusErrorNames.Failed, error instanceof Error ? error.message : String(error));
          }),
      );
    finish(new Promise((resolve) => resolve(this.invoke(m, ctx))));
  }

  private async invoke(m: DecodedMessage, ctx: CallContext): Promise<[string, unknown[]]> {
    const iface = m.interface;
    const member = m.member!;
    if (iface === PEER || (iface === undefined && (member === 'Ping' || member === 'GetMachineId'))) {
      if (member === 'Ping') return ['', []];
      if (member === 'GetMachineId') return ['s', [this.machineId()]];
    }
    if (iface === INTROSPECTABLE && member === 'Introspect') {
      checkArgs(m, '');
      // Parents of objects exist as nodes; anything else is unknown, as in sd-bus.
      if (!this.lookup(m.path!) && this.childNames(m.path!).length === 0)
        throw new DbusError(DbusErrorNames.UnknownObject, `Unknown object '${m.path}'.`);
      return ['s', [this.introspect(m.path!)]];
    }
    const object = this.lookup(m.path!);
    if (!object) throw new DbusError(DbusErrorNames.UnknownObject, `Unknown object '${m.path}'.`);
    if (iface === PROPERTIES) return this.properties(object, m, ctx);
    let method: MethodSpec | undefined;
    if (iface !== undefined) {
      const spec = object[iface];
      if (!spec) throw new DbusError(DbusErrorNames.UnknownInterface, `Unknown interface '${iface}'.`);
      method = spec.methods?.[member];
    } else {
      for (const spec of Object.values(object)) if ((method = spec.methods?.[member])) break;
    }
    if (!method) throw new DbusError(DbusErrorNames.UnknownMethod, `Unknown method ${member} or interface ${iface ?? ''}.`);
    checkArgs(m, method.inSignature ?? '');
    const out = (await method.handler(m.body, ctx)) ?? [];
    return [method.outSignature ?? '', out];
  }

  private properties(object: ObjectSpec, m: DecodedMessage, ctx: CallContext): [string, unknown[]] {
    const find = (iface: string, name: string): PropertySpec => {
      const spec = object[iface];
      if (!spec) throw new DbusError(DbusErrorNames.UnknownInterface, `Unknown interface '${iface}'.`);
      const p = spec.properties?.[name];
      if (!p) throw new DbusError(DbusErrorNames.UnknownProperty, `Unknown property '${name}'.`);
      return p;
    };
    switch (m.member) {
      case 'Get': {
        checkArgs(m, 'ss');
        const [iface, name] = m.body as [string, string];
        const fast = object[iface]?.getOne?.(name, ctx);
        if (fast) return ['v', [fast]];
        const p = find(iface, name);
        if (!p.get) throw new DbusError(DbusErrorNames.AccessDenied, `Property '${name}' is not readable.`);
        return ['v', [new Variant(p.signature, p.get(ctx))]];
      }
      case 'GetAll': {
        checkArgs(m, 's');
        const [iface] = m.body as [string];
        const all = new Map<string, Variant>();
        const add = (spec: InterfaceSpec) => {
          if (spec.getAll) return spec.getAll(ctx, all);
          const props = spec.properties;
          if (!props) return;
          for (const name in props) {
            const p = props[name]!;
            if (p.get) all.set(name, new Variant(p.signature, p.get(ctx)));
          }
        };
        // An empty interface name means all interfaces, as the spec allows.
        if (iface === '') for (const name in object) add(object[name]!);
        else {
          const spec = object[iface];
          if (!spec) throw new DbusError(DbusErrorNames.UnknownInterface, `Unknown interface '${iface}'.`);
          add(spec);
        }
        return ['a{sv}', [all]];
      }
      case 'Set': {
        checkArgs(m, 'ssv');
        const [iface, name, value] = m.body as [string, string, Variant];
        const p = find(iface, name);
        if (!p.set) throw new DbusError(DbusErrorNames.PropertyReadOnly, `Property '${name}' is not writable.`);
        if (value.signature !== p.signature)
          throw new DbusError(DbusErrorNames.InvalidArgs, `Incorrect signature when setting property '${name}', expected '${p.signature}', got '${value.signature}'.`);
        p.set(value.value, ctx);
        return ['', []];
      }
      default:
        throw new DbusError(DbusErrorNames.UnknownMethod, `Unknown method ${m.member} or interface ${PROPERTIES}.`);
    }
  }

  private machineId(): string {
    if (this.options.machineId) return this.options.machineId;
    try {
      const id = readFileSync('/etc/machine-id', 'utf8').trim();
      if (/^[0-9a-f]{32}$/.test(id)) return id;
    } catch {
      // fall through
    }
    throw new DbusError(DbusErrorNames.Failed, 'No machine ID set.');
  }
}

function checkArgs(m: DecodedMessage, want: string): void {
  if (m.signature !== want)
    throw new DbusError(DbusErrorNames.InvalidArgs, `Invalid arguments '${m.signature}' to call ${m.interface ?? ''}.${m.member}(), expecting '${want}'.`);
}

function validateSpec(spec: ObjectSpec): void {
  for (const [iface, i] of Object.entries(spec)) {
    if (!isValidInterfaceName(iface)) throw new TypeError(`invalid interface name ${JSON.stringify(iface)}`);
    for (const [name, method] of Object.entries(i.methods ?? {})) {
      if (!isValidMemberName(name)) throw new TypeError(`invalid method name ${JSON.stringify(name)}`);
      parseSignature(method.inSignature ?? '');
      parseSignature(method.outSignature ?? '');
    }
    for (const [name, p] of Object.entries(i.properties ?? {})) {
      if (!isValidMemberName(name)) throw new TypeError(`invalid property name ${JSON.stringify(name)}`);
      new Variant(p.signature, undefined);
    }
    for (const [name, s] of Object.entries(i.signals ?? {})) {
      if (!isValidMemberName(name)) throw new TypeError(`invalid signal name ${JSON.stringify(name)}`);
      parseSignature(s.signature ?? '');
    }
  }
}
