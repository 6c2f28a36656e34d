/**
 * PrivateNetwork= and PrivateIPC= as systemd shares them: every process of one activation in the
 * same namespaces (what ExecStartPre= sets up, ExecStart= sees), JoinsNamespaceOf= units in the
 * first one's, nothing left behind at stop. Real processes on
 * the native stack; skipped (saying why) without root.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativeStack, type NativeStack } from './native-stack.js';

/** A oneshot that stays active; each command prints the inodes of its network and IPC namespaces to FILE. */
const unit = (unitBody: string, file: string) =>
  `[Unit]\nDefaultDependencies=no\n${unitBody}\n[Service]\nType=oneshot\nRemainAfterExit=yes\nPrivateNetwork=yes\nPrivateIPC=yes\n` +
  `ExecStartPre=/bin/sh -c 'stat -L -c %%i /proc/self/ns/net /proc/self/ns/ipc | tr "\\\\n" " " >> ${file}; echo >> ${file}'\n` +
  `ExecStart=/bin/sh -c 'stat -L -c %%i /proc/self/ns/net /proc/self/ns/ipc | tr "\\\\n" " " >> ${file}; echo >> ${file}'\n`;

const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim());

describe('end to end: PrivateNetwork=/PrivateIPC= namespaces per activation and JoinsNamespaceOf=', function () {
  this.timeout(30000);
  let s: NativeStack;
  before(function () {
    if (process.geteuid?.() !== 0) {
      console.log('      (skipped: network namespaces and the bind mounts that keep them need root)');
      this.skip();
    }
  });
  beforeEach(() => {
    s = nativeStack();
  });
  afterEach(async () => s?.close());

  it('puts every process of an activation, and the units that join it, in one network and IPC namespace, and releases it at stop', async () => {
    const host = `${fs.statSync('/proc/self/ns/net').ino} ${fs.statSync('/proc/self/ns/ipc').ino}`;
    s.unit('na.service', unit('', '{dir}/a'));
    s.unit('nb.service', unit('JoinsNamespaceOf=na.service', '{dir}/b'));
    expect(await s.run('start', 'na.service')).to.equal('done');
    expect(await s.run('start', 'nb.service')).to.equal('done');
    const [preA, mainA] = lines(path.join(s.dir, 'a'));
    const [preB, mainB] = lines(path.join(s.dir, 'b'));
    expect(preA).to.not.equal(host);
    expect([mainA, preB, mainB]).to.deep.equal([preA, preA, preA]);
    expect(await s.run('stop', 'na.service')).to.equal('done');
    expect(await s.run('stop', 'nb.service')).to.equal('done');
    // Nothing is kept once the last of them stopped (namespace inode numbers are reused by the
    // kernel, so the bind mounts are what tells).
    const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).to.not.match(/\/namespaces\/n[ab]\.service\.(net|ipc)\.ns /);
  });
});
