import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus, type BusClient } from './bus-client.js';
import { DbusError } from './errors.js';
import { ObjectTree } from './object-tree.js';
import { DbusServer } from './server.js';
import { CaptureLogger, TestLoop, until } from './spec-helpers.js';
import { variant, Variant } from './variant.js';
import type { DecodedMessage } from './message.js';

describe('DbusServer and ObjectTree', () => {
  let t: TestLoop;
  let dir: string;
  let server: DbusServer;
  let client: BusClient;
  let tree: ObjectTree;
  let count: number;
  const logger = new CaptureLogger();

  beforeEach(async () => {
    t = new TestLoop();
    dir = mkdtempSync(join(tmpdir(), 'uk-dbus-'));
    count = 1;
    tree = new ObjectTree({ machineId: '0123456789abcdef0123456789abcdef' });
    tree.addObject('/org/example/Obj', {
      'org.example.Test': {
        methods: {
          Echo: { inSignature: 'sv', outSignature: 'sv', inNames: ['text', 'any'], handler: ([s, v]) => [s, v] },
          Later: { outSignature: 'u', handler: async () => [await Promise.resolve(7)] },
          Wrong: { outSignature: 'u', handler: () => ['not a number'] },
          BadName: {
            handler: () => {
              throw new DbusError('not a valid name', 'x');
            },
          },
          Refuse: {
            handler: () => {
              throw new DbusError('org.example.Error.Refused', 'not today');
            },
          },
        },
        properties: {
          Count: { signature: 'u', get: () => count, set: (v) => void (count = v as number) },
          Name: { signature: 's', get: () => 'obj', emitsChange: 'const' },
        },
        signals: { Changed: { signature: 'u', names: ['count'] } },
      },
    });
    tree.addFallback('/org/example/unit', (path) => (path.endsWith('/known') ? { 'org.example.Unit': { properties: { Id: { signature: 's', get: (c) => c.path } } } } : undefined));
    server = DbusServer.listen({ path: join(dir, 'private'), loop: t.loop, logger, onMessage: tree.handler });
    client = await connectBus({ address: server.address, loop: t.loop, logger });
  });

  afterEach(() => {
    client.close();
    server.close();
    t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (path: string, iface: string | undefined, member: string, sig = '', body: unknown[] = []) =>
    client.call('org.example', path, iface, member, sig, body);
  const fails = (p: Promise<unknown>) => p.then(() => expect.fail('resolved'), (e: DbusError) => [e.errorName, e.message]);

  it('listens with mode 0600, answers Hello with a unique name and serves method calls', async () => {
    expect(statSync(join(dir, 'private')).mode & 0o777).to.equal(0o600);
    expect(server.address).to.equal(`unix:path=${join(dir, 'private')}`);
    expect(client.uniqueName).to.equal(':1.1');
    expect(await call('/org/example/Obj', 'org.example.Test', 'Echo', 'sv', ['hi', variant('at', [1n])])).to.deep.equal(['hi', variant('at', [1n])]);
    expect(await call('/org/example/Obj', undefined, 'Later')).to.deep.equal([7]);
    expect(server.connections.size).to.equal(1);
    const conn = [...server.connections][0]!;
    expect(conn.peer!.pid).to.equal(process.pid);
  });

  it('answers errors as sd-bus words them', async () => {
    expect(await fails(call('/org/example/Obj', 'org.example.Test', 'Refuse'))).to.deep.equal(['org.example.Error.Refused', 'not today']);
    expect(await fails(call('/nope', 'org.example.Test', 'Echo'))).to.deep.equal(['org.freedesktop.DBus.Error.UnknownObject', "Unknown object '/nope'."]);
    expect(await fails(call('/org/example/Obj', 'org.example.Nope', 'Echo'))).to.deep.equal(['org.freedesktop.DBus.Error.UnknownInterface', "Unknown interface 'org.example.Nope'."]);
    expect((await fails(call('/org/example/Obj', 'org.example.Test', 'Nope')))[0]).to.equal('org.freedesktop.DBus.Error.UnknownMethod');
    expect(await fails(call('/org/example/Obj', 'org.example.Test', 'Wrong'))).to.deep.equal(['org.freedesktop.DBus.Error.Failed', 'expected an integer in 0..4294967295 for "u", got string not a number']);
    expect((await fails(call('/org/example/Obj', 'org.example.Test', 'BadName')))[0]).to.equal('org.freedesktop.DBus.Error.Failed');
    expect(await fails(call('/org/example/Obj', 'org.example.Test', 'Echo', 's', ['x']))).to.deep.equal([
      'org.freedesktop.DBus.Error.InvalidArgs',
      "Invalid arguments 's' to call org.example.Test.Echo(), expecting 'sv'.",
    ]);
  });

  it('implements Properties Get/GetAll/Set and PropertiesChanged', async () => {
    const P = 'org.freedesktop.DBus.Properties';
    expect(await call('/org/example/Obj', P, 'Get', 'ss', ['org.example.Test', 'Count'])).to.deep.equal([variant('u', 1)]);
    await call('/org/example/Obj', P, 'Set', 'ssv', ['org.example.Test', 'Count', variant('u', 5)]);
    expect(count).to.equal(5);
    const [all] = (await call('/org/example/Obj', P, 'GetAll', 's', ['org.example.Test'])) as [Map<string, Variant>];
    expect([...all]).to.deep.equal([['Count', variant('u', 5)], ['Name', variant('s', 'obj')]]);
    expect((await fails(call('/org/example/Obj', P, 'Set', 'ssv', ['org.example.Test', 'Name', variant('s', 'x')])))[0]).to.equal('org.freedesktop.DBus.Error.PropertyReadOnly');
    expect((await fails(call('/org/example/Obj', P, 'Set', 'ssv', ['org.example.Test', 'Count', variant('s', 'x')])))[0]).to.equal('org.freedesktop.DBus.Error.InvalidArgs');
    expect((await fails(call('/org/example/Obj', P, 'Get', 'ss', ['org.example.Test', 'Nope'])))[0]).to.equal('org.freedesktop.DBus.Error.UnknownProperty');
    expect(await call('/org/example/unit/known', P, 'Get', 'ss', ['org.example.Unit', 'Id'])).to.deep.equal([variant('s', '/org/example/unit/known')]);
    expect((await fails(call('/org/example/unit/other', P, 'Get', 'ss', ['org.example.Unit', 'Id'])))[0]).to.equal('org.freedesktop.DBus.Error.UnknownObject');

    const got: DecodedMessage[] = [];
    await client.subscribe({ interface: P, member: 'PropertiesChanged' }, (m) => got.push(m));
    tree.emitPropertiesChanged([...server.connections][0]!, '/org/example/Obj', 'org.example.Test', ['Count']);
    await until(() => got.length === 1);
    expect(got[0]!.path).to.equal('/org/example/Obj');
    expect(got[0]!.body).to.deep.equal(['org.example.Test', new Map([['Count', variant('u', 5)]]), []]);
  });

  it('answers GetAll and Get through an interface\'s fast paths, falling back to its properties', async () => {
    const P = 'org.freedesktop.DBus.Properties';
    const asked: string[] = [];
    tree.addObject('/org/example/Fast', {
      'org.example.Fast': {
        properties: { A: { signature: 'u', get: () => 1 }, B: { signature: 's', get: () => 'slow' } },
        getAll: (_ctx, out) => {
          asked.push('all');
          out.set('A', variant('u', 10));
          out.set('B', variant('s', 'fast'));
        },
        getOne: (name) => (asked.push(name), name === 'A' ? variant('u', 11) : undefined),
      },
    });
    const [all] = (await call('/org/example/Fast', P, 'GetAll', 's', [''])) as [Map<string, Variant>];
    expect([...all]).to.deep.equal([['A', variant('u', 10)], ['B', variant('s', 'fast')]]);
    expect(await call('/org/example/Fast', P, 'Get', 'ss', ['org.example.Fast', 'A'])).to.deep.equal([variant('u', 11)]);
    expect(await call('/org/example/Fast', P, 'Get', 'ss', ['org.example.Fast', 'B'])).to.deep.equal([variant('s', 'slow')]);
    expect((await fails(call('/org/example/Fast', P, 'Get', 'ss', ['org.example.Fast', 'C'])))[0]).to.equal('org.freedesktop.DBus.Error.UnknownProperty');
    expect(asked).to.deep.equal(['all', 'A', 'B', 'C']);
  });

  it('introspects objects and parent nodes; Peer Ping and GetMachineId', async () => {
    const [xml] = (await call('/org/example/Obj', 'org.freedesktop.DBus.Introspectable', 'Introspect')) as [string];
    expect(xml).to.match(/^<!DOCTYPE node PUBLIC "-\/\/freedesktop\/\/DTD D-BUS Object Introspection 1.0\/\/EN"/);
    expect(xml).to.contain('<interface name="org.example.Test">');
    expect(xml).to.contain('<arg type="s" name="text" direction="in"/>');
    expect(xml).to.contain('<property name="Count" type="u" access="readwrite"/>');
    expect(xml).to.contain('<annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="const"/>');
    expect(xml).to.contain('<signal name="Changed">');
    const [root] = (await call('/org', 'org.freedesktop.DBus.Introspectable', 'Introspect')) as [string];
    expect(root).to.contain('<node name="example"/>');
    expect(root).to.not.contain('org.freedesktop.DBus.Properties');
    const [ex] = (await call('/org/example', 'org.freedesktop.DBus.Introspectable', 'Introspect')) as [string];
    expect(ex).to.contain('<node name="Obj"/>').and.to.contain('<node name="unit"/>');
    expect((await fails(call('/none', 'org.freedesktop.DBus.Introspectable', 'Introspect')))[0]).to.equal('org.freedesktop.DBus.Error.UnknownObject');
    expect(await call('/anything', 'org.freedesktop.DBus.Peer', 'Ping')).to.deep.equal([]);
    expect(await call('/', 'org.freedesktop.DBus.Peer', 'GetMachineId')).to.deep.equal(['0123456789abcdef0123456789abcdef']);
  });

  it('refuses connections beyond maxConnections', async () => {
    let closed = 0;
    const small = DbusServer.listen({ path: join(dir, 'small'), loop: t.loop, logger, maxConnections: 1, onMessage: tree.handler, onConnectionClosed: () => closed++ });
    try {
      const first = await connectBus({ address: small.address, loop: t.loop, hello: false });
      const e = await connectBus({ address: small.address, loop: t.loop, hello: false }).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(DbusError);
      expect(logger.warnings.some((w) => /too many connections/.test(w))).to.equal(true);
      expect(await first.call('org.example', '/org/example/Obj', 'org.example.Test', 'Later')).to.deep.equal([7]);
      expect(closed, 'a refused connection was never adopted').to.equal(0);
      first.close();
      // The server hears the hang-up and says the client is gone.
      await until(() => closed === 1);
      expect(small.connections.size).to.equal(0);
    } finally {
      small.close();
    }
  });

  it('refuses peers the authorize hook rejects, and clients claiming another uid', async () => {
    const other = DbusServer.listen({ path: join(dir, 'closed'), loop: t.loop, logger, authorize: () => false });
    try {
      const e = await connectBus({ address: other.address, loop: t.loop }).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.DBus.Error.Disconnected');
      const e2 = await connectBus({ address: server.address, loop: t.loop, uid: process.getuid!() + 1 }).catch((x: unknown) => x);
      expect((e2 as Error).message).to.match(/authentication failed: REJECTED EXTERNAL/);
    } finally {
      other.close();
    }
  });
});
