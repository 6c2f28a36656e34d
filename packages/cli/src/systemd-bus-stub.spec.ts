import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { errorReply, startSystemdBusStub } from './systemd-bus-stub.js';

describe('systemd bus stub', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-busstub-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes `systemctl --user` fail at once with a clear message instead of hanging', async function () {
    const close = await startSystemdBusStub(dir);
    try {
      // A hang would be ended by execFile's timeout with a signal, not exit status 1.
      const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
        execFile('systemctl', ['--user', 'set-environment', 'A=1'], { env: { ...process.env, XDG_RUNTIME_DIR: dir }, timeout: 10000 }, (e, _o, err) =>
          resolve({ code: (e as { code?: number } | null)?.code ?? 0, err }),
        );
      });
      if ((r.err as string).includes('ENOENT') || r.code === ('ENOENT' as unknown)) {
        console.log('      skipped: systemctl is not installed');
        return this.skip();
      }
      expect(r.code).to.equal(1);
      expect(r.err).to.contain('does not implement systemd\'s D-Bus API; use unitkitctl');
    } finally {
      close?.();
    }
  });

  it('closes a connection that sends a flood instead of a SASL line', async () => {
    const close = await startSystemdBusStub(dir);
    try {
      const c = net.createConnection(path.join(dir, 'systemd', 'private'));
      c.on('error', () => {});
      c.write(Buffer.alloc(1024 * 1024, 0x41));
      await new Promise((resolve) => c.once('close', resolve));
    } finally {
      close?.();
    }
  });

  it('leaves a live socket alone (a real systemd is there)', async () => {
    fs.mkdirSync(path.join(dir, 'systemd'));
    const real = net.createServer().listen(path.join(dir, 'systemd', 'private'));
    await new Promise((r) => real.once('listening', r));
    try {
      expect(await startSystemdBusStub(dir)).to.equal(undefined);
    } finally {
      real.close();
    }
  });

  it('builds a well-formed error message', () => {
    const m = errorReply(7, 3);
    expect(m[0]).to.equal(0x6c);
    expect(m[1]).to.equal(3);
    const fieldsLength = m.readUInt32LE(12);
    const bodyStart = 16 + Math.ceil(fieldsLength / 8) * 8;
    expect(m.length).to.equal(bodyStart + m.readUInt32LE(4));
    expect(m.readUInt32LE(8)).to.equal(7);
  });
});
