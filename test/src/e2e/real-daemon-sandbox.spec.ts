/**
 * A real distribution daemon under its own unit files: Debian's uuidd.socket and uuidd.service
 * (ProtectSystem=strict, ProtectHome=, PrivateDevices=, PrivateUsers=, MemoryDenyWriteExecute=,
 * SystemCallFilter=…, User=uuidd), run by a system manager with only a drop-in that moves the
 * socket into the test's directory and keeps the host's targets out. The daemon answers, and sees
 * / read-only, as under systemd.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as net from 'node:net';
import { nativeStack, type NativeStack } from './native-stack.js';

const UNITS = '/lib/systemd/system';
const why = (): string | undefined => {
  if (process.getuid?.() !== 0) return 'needs root (a system manager, User=uuidd, mount namespaces)';
  if (!fs.existsSync('/usr/sbin/uuidd') || !fs.existsSync(path.join(UNITS, 'uuidd.service'))) return "Debian's uuid-runtime is not installed (uuidd and its units)";
  return undefined;
};

describe('end to end: a real daemon in its sandbox (uuidd)', function () {
  this.timeout(30000);
  let s: NativeStack | undefined;
  afterEach(async () => s?.close());

  it("runs uuidd from its own unit files: it answers on the socket and sees / read-only", async function () {
    const reason = why();
    if (reason) {
      console.log(`      (skipped: ${reason})`);
      this.skip();
    }
    s = nativeStack({ scope: 'system', environment: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } });
    const sock = path.join(s.dir, 'uuidd.sock');
    // Only what an administrator would change: the socket's place, and no pulling in of the host's
    // sysinit.target/sockets.target (the drop-in keeps the test away from the machine's services).
    for (const d of ['uuidd.socket.d', 'uuidd.service.d']) fs.mkdirSync(path.join(s.dir, 'units', d));
    s.unit('uuidd.socket.d/test.conf', `[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=\nListenStream=${sock}\n`);
    s.unit('uuidd.service.d/test.conf', '[Unit]\nDefaultDependencies=no\n');
    expect(await s.run('start', 'uuidd.socket')).to.equal('done');
    // uuidd's protocol: one op byte, the answer an int32 length and that many bytes. (Not the
    // uuidd client program: in this process the manager's reaper owns every child.)
    const ask = (op: number) => new Promise<Buffer>((resolve, reject) => {
      const c = net.createConnection(sock, () => c.write(Buffer.from([op])));
      const chunks: Buffer[] = [];
      c.on('data', (d) => chunks.push(d));
      c.on('end', () => resolve(Buffer.concat(chunks)));
      c.on('error', reject);
    });
    const random = await ask(3); // UUIDD_OP_RANDOM_UUID
    expect(random.readInt32LE(0)).to.equal(16);
    expect(random.subarray(4)).to.have.length(16);
    expect(random[4 + 6]! >> 4, 'a version 4 UUID').to.equal(4);
    expect(s.prop('uuidd.service', 'ActiveState')).to.equal('active');
    const pid = Number(s.prop('uuidd.service', 'MainPID'));
    expect(pid).to.be.greaterThan(0);
    const answer = await ask(0); // UUIDD_OP_GETPID: the daemon's pid as text
    expect(answer.subarray(4).toString('latin1').replace(/\0.*$/s, '')).to.equal(String(pid));
    const root = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').find((l) => l.split(' ')[4] === '/');
    expect(root, 'the daemon\'s root mount').to.match(/ \/ ro[, ]/);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(/^Seccomp:\s+2$/m.test(status), 'a seccomp filter').to.equal(true);
    expect(await s.run('stop', 'uuidd.socket')).to.equal('done');
  });
});
