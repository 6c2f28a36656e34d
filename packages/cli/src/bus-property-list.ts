/**
 * Property lists on systemd's D-Bus interfaces. A unit's (or the manager's) properties are
 * computed together as one list, the list `show` prints; these functions read D-Bus values
 * straight out of it with systemd's signatures (core's busPropertyTypes): GetAll converts a
 * list in one pass, and the per-property specs for Get and PropertiesChanged are made only when
 * asked for. A GetAll of a service is ~300 values: no closure, array or temporary map per value.
 */
import type { PropertyList, Unit } from '@unitkit/core';
import { busPropertyTypes } from '@unitkit/core';
import { Variant, type InterfaceSpec, type PropertySpec } from '@unitkit/dbus';
import { busValueInList } from './bus-value.js';

/** systemd's signatures by interface, then by property name. */
export const busSignatureTables: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(
  Object.entries(busPropertyTypes).map(([iface, list]) => [iface, new Map(list)]),
);

/** org.freedesktop.systemd1.Unit. */
export const UNIT_INTERFACE = 'org.freedesktop.systemd1.Unit';

/** The D-Bus interface of a unit type: service → org.freedesktop.systemd1.Service. */
export function typeInterface(u: Unit): string {
  const suffix = u.id.slice(u.id.lastIndexOf('.') + 1);
  return `org.freedesktop.systemd1.${suffix.charAt(0).toUpperCase()}${suffix.slice(1)}`;
}

/**
 * Sets the D-Bus values of the properties of a list that are `on` an interface into `out`, in the
 * list's order (a property listed once per element, such as Listen= or ExecStart=, becomes one
 * array). `special` gives those whose D-Bus value is not made from show's.
 */
export function busValuesInto(
  list: PropertyList,
  table: ReadonlyMap<string, string>,
  on: (name: string) => boolean,
  out: Map<string, Variant>,
  special?: (name: string) => Variant | undefined,
): void {
  for (let i = 0; i < list.length; ) {
    const name = list[i]![0];
    let end = i + 1;
    // The entries of a property listed once per element are consecutive.
    while (end < list.length && list[end]![0] === name) end++;
    if (on(name)) {
      const sig = table.get(name)!;
      if (!out.has(name)) out.set(name, special?.(name) ?? new Variant(sig, busValueInList(sig, list, i, end)));
      else if (!special?.(name)) {
        // Entries of one property apart from each other: rare, so gathered only then.
        const entries = list.filter(([n]) => n === name);
        out.set(name, new Variant(sig, busValueInList(sig, entries, 0, entries.length)));
      }
    }
    i = end;
  }
}

/** The D-Bus value of the property `name` of a list, whose first entry is at `first` (−1: none). */
export function busValueOfName(list: PropertyList, first: number, name: string, sig: string): unknown {
  if (first < 0) return busValueInList(sig, list, 0, 0);
  let end = first + 1;
  while (end < list.length && list[end]![0] === name) end++;
  for (let i = end; i < list.length; i++)
    if (list[i]![0] === name) {
      const entries = list.filter(([n], j) => j >= first && n === name);
      return busValueInList(sig, entries, 0, entries.length);
    }
  return busValueInList(sig, list, first, end);
}

/**
 * The properties of one unit as its object's interfaces carry them, read from one property list
 * computed on first use: an instance serves one message, or one turn's change signals.
 */
export class UnitBusProperties {
  private snapshot: PropertyList | undefined;
  /** The unit type's interface; systemd lists it before Unit's. */
  readonly typeInterface: string;
  private readonly typeTable: ReadonlyMap<string, string> | undefined;
  private readonly unitTable = busSignatureTables.get(UNIT_INTERFACE)!;

  /**
   * @param compute the unit's property list (show's); with `only`, a list that holds at least those
   *   names (core's Manager.properties: only the generic ones when they all are).
   * @param job the unit's Job property, `(uo)`.
   */
  constructor(
    unit: Unit,
    private readonly compute: (only?: ReadonlySet<string>) => PropertyList,
    private readonly job: () => [number, string],
  ) {
    this.typeInterface = typeInterface(unit);
    this.typeTable = busSignatureTables.get(this.typeInterface);
  }

  /** The list, computed once. */
  list(): PropertyList {
    return (this.snapshot ??= this.compute());
  }

  /** The interfaces with properties, in GetAll("")'s order: the type's (when systemd has one), then Unit. */
  interfaces(): string[] {
    return this.typeTable ? [this.typeInterface, UNIT_INTERFACE] : [UNIT_INTERFACE];
  }

  /**
   * The spec of one of {@link interfaces}: GetAll's fast path, and the per-property specs made
   * when first read. `methods` (Unit's) are made when first read too.
   */
  interfaceSpec(iface: string, methods?: () => NonNullable<InterfaceSpec['methods']>): InterfaceSpec {
    let specs: Record<string, PropertySpec> | undefined;
    let made: InterfaceSpec['methods'];
    const self = this;
    const spec: InterfaceSpec = {
      get properties() {
        return (specs ??= self.specs(iface));
      },
      getAll: (_ctx, out) => this.valuesInto(iface, out),
      getOne: (name) => this.value(iface, name),
    };
    if (methods)
      Object.defineProperty(spec, 'methods', { enumerable: true, get: () => (made ??= methods()) });
    return spec;
  }

  /** Sets the values of `iface`'s properties into `out` (those `only` names, when given). */
  valuesInto(iface: string, out: Map<string, Variant>, only?: ReadonlySet<string>): void {
    const table = this.table(iface);
    if (!table) return;
    const on = this.on(iface);
    const pick = only ? (n: string) => only.has(n) && on(n) : on;
    if (iface !== UNIT_INTERFACE) return busValuesInto(this.list(), table, pick, out);
    busValuesInto(this.list(), table, pick, out, (n) => this.specialValue(n));
    if (pick('Job') && !out.has('Job')) out.set('Job', this.specialValue('Job')!);
  }

  /**
   * One property's value, or undefined when `iface` does not have it. Computed from a list of
   * that name only (core leaves the type's properties out for a generic one: systemctl reads
   * ActiveState, LoadState, NeedDaemonReload and TriggeredBy this way on every is-active, start
   * and stop), or from the whole list when this instance already has it.
   */
  value(iface: string, name: string): Variant | undefined {
    const table = this.table(iface);
    const sig = table?.get(name);
    if (!sig || !this.on(iface)(name)) return undefined;
    const list = () => this.snapshot ?? this.compute(new Set([name]));
    const special = iface === UNIT_INTERFACE ? this.specialValue(name, list) : undefined;
    if (special) return special;
    const l = list();
    return new Variant(sig, busValueOfName(l, l.findIndex(([n]) => n === name), name, sig));
  }

  private table(iface: string): ReadonlyMap<string, string> | undefined {
    return iface === UNIT_INTERFACE ? this.unitTable : iface === this.typeInterface ? this.typeTable : undefined;
  }

  /** Which properties `iface` carries: the type's those its table has, Unit the rest of Unit's table. */
  private on(iface: string): (name: string) => boolean {
    const type = this.typeTable;
    if (iface !== UNIT_INTERFACE) return (n) => type!.has(n);
    return type ? (n) => !type.has(n) && this.unitTable.has(n) : (n) => this.unitTable.has(n);
  }

  /**
   * Job is (uo) and LoadError (ss) on D-Bus; show's text of them is made from these. `list` gives
   * the list LoadError is read from (by default the whole one).
   */
  private specialValue(name: string, list: () => PropertyList = () => this.list()): Variant | undefined {
    if (name === 'Job') return new Variant('(uo)', this.job());
    if (name === 'LoadError') return new Variant('(ss)', loadErrorPair(list()));
    return undefined;
  }

  private specs(iface: string): Record<string, PropertySpec> {
    const table = this.table(iface);
    const specs: Record<string, PropertySpec> = {};
    if (!table) return specs;
    const on = this.on(iface);
    const list = this.list();
    for (let i = 0; i < list.length; i++) {
      const name = list[i]![0];
      if (specs[name] || !on(name)) continue;
      const sig = table.get(name)!;
      const at = i;
      specs[name] =
        iface === UNIT_INTERFACE && (name === 'Job' || name === 'LoadError')
          ? { signature: name === 'Job' ? '(uo)' : '(ss)', get: () => this.specialValue(name)!.value }
          : { signature: sig, get: () => busValueOfName(list, at, name, sig) };
    }
    if (iface === UNIT_INTERFACE) specs.Job ??= { signature: '(uo)', get: () => this.job() };
    return specs;
  }
}

/** LoadError's text `org.freedesktop.systemd1.X "message"` as systemd's (ss). */
function loadErrorPair(list: PropertyList): [string, string] {
  const v = list.find(([n]) => n === 'LoadError')?.[1];
  const text = v && 'value' in v && typeof v.value === 'string' ? v.value : '';
  const m = /^(\S+) "(.*)"$/s.exec(text);
  return m ? [m[1]!, m[2]!] : ['', ''];
}
