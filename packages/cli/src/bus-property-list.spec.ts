import { expect } from 'chai';
import { prop, type PropertyList, type Unit } from '@unitkit/core';
import type { Variant } from '@unitkit/dbus';
import { UnitBusProperties } from './bus-property-list.js';

const SERVICE = 'org.freedesktop.systemd1.Service';
const UNIT = 'org.freedesktop.systemd1.Unit';

/** A service's list as core makes it: the type's properties, then the generic ones. */
function lists(): { full: PropertyList; generic: PropertyList } {
  const generic: PropertyList = [
    ['Id', prop.string('a.service')],
    ['ActiveState', prop.string('inactive')],
    ['NeedDaemonReload', prop.bool(true)],
    ['Job', prop.hidden('')],
    ['LoadError', prop.string('org.freedesktop.systemd1.NoSuchUnit "Unit a.service not found."')],
  ];
  const full: PropertyList = [
    ['Type', prop.string('simple')],
    ['ExecStart', prop.raw('{ path=/a }', { busItem: ['/a', ['/a'], false, 0, 0, 0, 0, 0, 0, 0] })],
    ['ExecStart', prop.raw('{ path=/b }', { busItem: ['/b', ['/b'], false, 0, 0, 0, 0, 0, 0, 0] })],
    ['MainPID', prop.int(0)],
    ['NotOnAnyInterface', prop.string('x')],
    ...generic,
  ];
  return { full, generic };
}

function make(full: PropertyList, generic: PropertyList, calls: string[]): UnitBusProperties {
  return new UnitBusProperties(
    { id: 'a.service' } as Unit,
    (only) => {
      // As core's Manager.properties: the generic part alone when every name asked is in it.
      const genericOnly = only !== undefined && [...only].every((n) => generic.some(([g]) => g === n));
      calls.push(genericOnly ? 'generic' : 'full');
      return genericOnly ? generic : full;
    },
    () => [0, '/'],
  );
}

const plain = (m: Map<string, Variant>) => [...m].map(([k, v]) => [k, v.signature, v.value]);

describe('UnitBusProperties', () => {
  it('GetAll: one list for both interfaces, in its order, repeated entries as one array, Job and LoadError as systemd types them', () => {
    const calls: string[] = [];
    const { full, generic } = lists();
    const p = make(full, generic, calls);
    expect(p.interfaces()).to.deep.equal([SERVICE, UNIT]);
    const out = new Map<string, Variant>();
    for (const iface of p.interfaces()) p.valuesInto(iface, out);
    expect(plain(out)).to.deep.equal([
      ['Type', 's', 'simple'],
      ['ExecStart', 'a(sasbttttuii)', [['/a', ['/a'], false, 0, 0, 0, 0, 0, 0, 0], ['/b', ['/b'], false, 0, 0, 0, 0, 0, 0, 0]]],
      ['MainPID', 'u', 0],
      ['Id', 's', 'a.service'],
      ['ActiveState', 's', 'inactive'],
      ['NeedDaemonReload', 'b', true],
      ['Job', '(uo)', [0, '/']],
      ['LoadError', '(ss)', ['org.freedesktop.systemd1.NoSuchUnit', 'Unit a.service not found.']],
    ]);
    expect(calls).to.deep.equal(['full']);
  });

  it('gathers the entries of a property that are not next to each other', () => {
    const { full, generic } = lists();
    const [second] = full.splice(2, 1);
    full.splice(4, 0, second!);
    const out = new Map<string, Variant>();
    make(full, generic, []).valuesInto(SERVICE, out);
    expect((out.get('ExecStart')!.value as unknown[]).length).to.equal(2);
    expect([...out.keys()]).to.deep.equal(['Type', 'ExecStart', 'MainPID']);
  });

  it('Get of one of Unit\'s properties asks core for that name alone (the generic list), and gives what GetAll gives', () => {
    const { full, generic } = lists();
    const calls: string[] = [];
    const p = make(full, generic, calls);
    const all = new Map<string, Variant>();
    make(full, generic, []).valuesInto(UNIT, all);
    for (const name of ['ActiveState', 'NeedDaemonReload', 'LoadError', 'Job', 'Id']) expect(p.value(UNIT, name), name).to.deep.equal(all.get(name));
    // Job needs no list; each other Get computes the generic part alone.
    expect(calls).to.deep.equal(['generic', 'generic', 'generic', 'generic']);
    calls.length = 0;
    expect(p.value(SERVICE, 'MainPID')?.value).to.equal(0);
    expect(p.value(UNIT, 'MainPID')).to.equal(undefined);
    expect(p.value(UNIT, 'NoSuchProperty')).to.equal(undefined);
    expect(calls).to.deep.equal(['full']);
  });
});
