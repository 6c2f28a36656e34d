/**
 * Interoperability with real D-Bus implementations on this machine: sd-bus (busctl) and libdbus
 * (dbus-send) against our server, our client against dbus-daemon. Each test skips with the
 * reason when its tool is missing. The tools run asynchronously: the server lives in this process.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBus } from './bus-client.js';
import { DbusError } from './errors.js';
import { ObjectTree } from './object-tree.js';
import { DbusServer } from './server.js';
import { CaptureLogger, TestLoop, until } from './spec-helpers.js';
import { variant } from './variant.js';
import type { DecodedMessage } from './message.js';

function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) if (existsSync(join(dir, tool))) return join(dir, tool);
  return undefined;
}

function run(tool: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: 8000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('interop with real D-Bus implementations', function () {
  this.timeout(20000);
  let t: TestLoop;
  let dir: string;
  const logger = new CaptureLogger();

  beforeEach(() => {
    t = new TestLoop();
    dir = mkdtempSync(join(tmpdir(), 'uk-dbus-interop-'));
  });
  afterEach(() => {
    t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function serve(): { server: DbusServer; state: { count: number } } {
    const state = { count: 3 };
    const tree = new ObjectTree();
    tree.addObject('/org/example/Obj', {
      'org.example.Test': {
        methods: {
          Echo: { inSignature: 's', outSignature: 's', handler: ([s]) => [`echo: ${s}`] },
          Types: {
            outSignature: 'a{sv}(ixt)ayh',
            handler: () => [new Map([['u', variant('u', 1)], ['as', variant('as', ['x', 'y'])]]), [-1, -2n, 2n ** 64n - 1n], Buffer.from('hi'), 0],
          },
          Fail: {
            handler: () => {
              throw new DbusError('org.example.Error.Nope', 'nope');
            },
          },
        },
        properties: { Count: { signature: 'u', get: () => state.count, set: (v) => void (state.count = v as number) } },
      },
    });
    return { server: DbusServer.listen({ path: join(dir, 'private'), loop: t.loop, logger, onMessage: tree.handler }), state };
  }

  it('sd-bus (busctl --address) completes the handshake, calls methods, receives replies, errors, fds and properties', async function () {
    const busctl = which('busctl');
    if (!busctl) {
      console.log('      (skipped: busctl is not installed)');
      return this.skip();
    }
    const { server, state } = serve();
    const A = `--address=${server.address}`;
    try {
      const echo = await run(busctl, [A, 'call', 'org.example', '/org/example/Obj', 'org.example.Test', 'Echo', 's', 'from sd-bus']);
      expect(echo).to.deep.include({ code: 0, stdout: 's "echo: from sd-bus"\n' });
      const types = await run(busctl, [A, '--json=short', 'call', 'org.example', '/org/example/Obj', 'org.example.Test', 'Types']);
      expect(types.code).to.equal(0);
      const json = JSON.parse(types.stdout) as { type: string; data: unknown[] };
      expect(json.type).to.equal('a{sv}(ixt)ayh');
      expect(json.data.slice(0, 3)).to.deep.equal([{ u: { type: 'u', data: 1 }, as: { type: 'as', data: ['x', 'y'] } }, [-1, -2, 18446744073709552000], [104, 105]]);
      const fail = await run(busctl, [A, 'call', 'org.example', '/org/example/Obj', 'org.example.Test', 'Fail']);
      expect(fail.code).to.not.equal(0);
      expect(fail.stderr).to.contain('nope');
      expect((await run(busctl, [A, 'set-property', 'org.example', '/org/example/Obj', 'org.example.Test', 'Count', 'u', '9'])).code).to.equal(0);
      expect(state.count).to.equal(9);
      expect((await run(busctl, [A, 'get-property', 'org.example', '/org/example/Obj', 'org.example.Test', 'Count'])).stdout).to.equal('u 9\n');
      const intro = await run(busctl, [A, 'introspect', 'org.example', '/org/example/Obj']);
      expect(intro.stdout).to.match(/\.Count\s+property\s+u\s+9\s+emits-change writable/);
      const tree = await run(busctl, [A, 'tree', 'org.example']);
      expect(tree.stdout).to.contain('/org/example/Obj');
      expect(logger.warnings.filter((w) => /closed/.test(w))).to.deep.equal([]);
    } finally {
      server.close();
    }
  });

  it('systemctl --user talks to our server on $XDG_RUNTIME_DIR/systemd/private without Hello', async function () {
    const systemctl = which('systemctl');
    if (!systemctl) {
      console.log('      (skipped: systemctl is not installed)');
      return this.skip();
    }
    const tree = new ObjectTree();
    tree.addObject('/org/freedesktop/systemd1', {
      'org.freedesktop.systemd1.Manager': { properties: { Environment: { signature: 'as', get: () => ['FOO=bar', 'LANG=C'] } } },
    });
    const seen: string[] = [];
    const server = DbusServer.listen({
      path: join(dir, 'systemd', 'private'),
      loop: t.loop,
      logger,
      onMessage: (m, c) => {
        seen.push(`${m.interface}.${m.member}`);
        tree.handler(m, c);
      },
    });
    try {
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(systemctl, ['--user', 'show-environment'], { timeout: 8000, env: { ...process.env, XDG_RUNTIME_DIR: dir, DBUS_SESSION_BUS_ADDRESS: '' } }, (error, stdout, stderr) =>
          resolve({ code: error ? 1 : 0, stdout, stderr }),
        ),
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('FOO=bar\nLANG=C\n');
      expect(seen).to.deep.equal(['org.freedesktop.DBus.Properties.Get']); // no Hello on the private bus
    } finally {
      server.close();
    }
  });

  it('libdbus (dbus-send --bus=) calls a method on our server', async function () {
    const tool = which('dbus-send');
    if (!tool) {
      console.log('      (skipped: dbus-send is not installed)');
      return this.skip();
    }
    const { server } = serve();
    try {
      const r = await run(tool, [`--bus=${server.address}`, '--print-reply', '--dest=org.example', '/org/example/Obj', 'org.example.Test.Echo', 'string:from libdbus']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('string "echo: from libdbus"');
    } finally {
      server.close();
    }
  });

  it('our client talks to a real dbus-daemon: Hello, ListNames, RequestName, AddMatch and signals, errors', async function () {
    const daemon = which('dbus-daemon');
    if (!daemon) {
      console.log('      (skipped: dbus-daemon is not installed; apt-get install dbus-daemon)');
      return this.skip();
    }
    const path = join(dir, 'bus');
    const child: ChildProcess = spawn(daemon, ['--session', `--address=unix:path=${path}`, '--nofork', '--nopidfile'], { stdio: 'ignore' });
    try {
      await until(() => existsSync(path));
      const a = await connectBus({ address: `unix:path=${path}`, loop: t.loop, logger });
      const b = await connectBus({ address: `unix:path=${path}`, loop: t.loop, logger });
      expect(a.uniqueName).to.match(/^:1\.\d+$/);
      expect(await a.requestName('org.unitkit.InteropTest')).to.equal(1);
      const [names] = (await a.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'ListNames')) as [string[]];
      expect(names).to.include.members(['org.unitkit.InteropTest', a.uniqueName!, b.uniqueName!]);
      const got: DecodedMessage[] = [];
      await b.subscribe({ interface: 'org.unitkit.Test', member: 'Hi' }, (m) => got.push(m));
      a.emitSignal('/org/unitkit', 'org.unitkit.Test', 'Hi', 'sv', ['x', variant('t', 5n)]);
      await until(() => got.length === 1);
      expect(got[0]!.sender).to.equal(a.uniqueName);
      expect(got[0]!.body).to.deep.equal(['x', variant('t', 5n)]);
      const e = await a.call('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NoSuchMethod').catch((x: unknown) => x);
      expect(e).to.be.instanceOf(DbusError).with.property('errorName', 'org.freedesktop.DBus.Error.UnknownMethod');
      // A method call from b to a, routed by the daemon.
      const c = await connectBus({
        address: `unix:path=${path}`,
        loop: t.loop,
        onMethodCall: (m, conn) => conn.reply(m, 's', [`hello ${m.sender}`]),
      });
      expect(await b.call(c.uniqueName, '/', 'org.unitkit.Test', 'Greet')).to.deep.equal([`hello ${b.uniqueName}`]);
      a.close();
      b.close();
      c.close();
    } finally {
      child.kill('SIGTERM');
    }
  });
});
