/**
 * Integration tests with real processes on the native ports: a forking daemon with a PID file, a
 * notify daemon that says READY=1 after a delay, a process that ignores SIGTERM, the environment
 * a real process sees.
 */
import { expect } from 'chai';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nativeManager, type NativeManager } from './test/native-manager.js';

describe('service: real processes (native ports)', function () {
  this.timeout(20000);
  let n: NativeManager;
  beforeEach(() => {
    n = nativeManager();
  });
  afterEach(() => {
    for (const u of n.manager.allUnits()) if (u.activeState() !== 'inactive' && u.activeState() !== 'failed') n.manager.addJob('stop', u, 'replace');
    n.close();
  });

  const file = (name: string, text: string) => n.units.file(name, `[Unit]\nDefaultDependencies=no\n[Service]\n${text}\n`);
  const script = (name: string, text: string) => {
    const p = join(n.dir, name);
    writeFileSync(p, text);
    chmodSync(p, 0o755);
    return p;
  };

  it('runs a forking daemon that writes a PID file, and stops it', async () => {
    const pidFile = join(n.dir, 'd.pid');
    const daemon = script('daemon.sh', `#!/bin/sh\nsleep 30 &\necho $! > ${pidFile}\nexit 0\n`);
    file('fork.service', `Type=forking\nPIDFile=${pidFile}\nExecStart=${daemon}`);
    const job = n.manager.addJob('start', 'fork.service', 'replace');
    expect(await job.wait()).to.equal('done');
    expect(n.state('fork.service')).to.equal('active/running');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const u = n.manager.loadUnit('fork.service');
    expect(u.type.mainPid!(u)).to.equal(pid);
    expect(await n.manager.addJob('stop', 'fork.service', 'replace').wait()).to.equal('done');
    expect(n.state('fork.service')).to.equal('inactive/dead');
    expect(() => process.kill(pid, 0)).to.throw();
  });

  it('waits for READY=1 from a notify daemon, with STATUS=', async () => {
    const d = script('notify.py', `#!/usr/bin/env python3
import os, socket, time
time.sleep(0.3)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.connect(os.environ['NOTIFY_SOCKET'])
s.send(b'STATUS=serving\\nREADY=1')
time.sleep(30)
`);
    file('n.service', `Type=notify\nExecStart=${d}`);
    const t0 = Date.now();
    const job = n.manager.addJob('start', 'n.service', 'replace');
    await n.waitFor(() => n.state('n.service') !== 'inactive/dead');
    expect(n.state('n.service')).to.equal('activating/start');
    expect(await job.wait()).to.equal('done');
    expect(Date.now() - t0).to.be.greaterThan(250);
    expect(n.state('n.service')).to.equal('active/running');
    const u = n.manager.loadUnit('n.service');
    expect(u.type.statusText!(u)).to.equal('serving');
    expect(await n.manager.addJob('stop', 'n.service', 'replace').wait()).to.equal('done');
  });

  it('kills a process that ignores SIGTERM after TimeoutStopSec=, result timeout', async () => {
    file('stubborn.service', `ExecStart=/bin/sh -c 'trap "" TERM; exec sleep 30'\nTimeoutStopSec=1`);
    expect(await n.manager.addJob('start', 'stubborn.service', 'replace').wait()).to.equal('done');
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    await n.manager.addJob('stop', 'stubborn.service', 'replace').wait();
    expect(Date.now() - t0).to.be.within(900, 5000);
    expect(n.state('stubborn.service')).to.equal('failed/failed');
    expect(n.logger.find("State 'stop-sigterm' timed out. Killing.")).to.not.equal(undefined);
    const props = new Map(n.manager.properties(n.manager.loadUnit('stubborn.service')));
    expect(props.get('Result')?.value).to.equal('timeout');
  });

  it('gives a real process the environment, working directory and output systemd would', async () => {
    const out = join(n.dir, 'env.txt');
    file('env.service', `Type=oneshot\nExecStart=/bin/sh -c 'env; pwd; echo "argv $1"' sh $GREETING\nEnvironment=GREETING=hello\nWorkingDirectory=${n.dir}\nStandardOutput=truncate:${out}\nUMask=0077`);
    expect(await n.manager.addJob('start', 'env.service', 'replace').wait()).to.equal('done');
    const text = readFileSync(out, 'utf8');
    expect(text).to.match(/^INVOCATION_ID=[0-9a-f]{32}$/m);
    expect(text).to.match(new RegExp(`^MANAGERPID=${process.pid}$`, 'm'));
    expect(text).to.contain('GREETING=hello');
    expect(text).to.contain(`\n${n.dir}\n`);
    expect(text).to.contain('argv hello');
    expect(n.state('env.service')).to.equal('inactive/dead');
  });

  it('fails a service whose binary does not exist with exit-code 203/EXEC', async () => {
    file('missing.service', 'Type=exec\nExecStart=/nonexistent/binary');
    const r = await n.manager.addJob('start', 'missing.service', 'replace').wait();
    expect(r).to.equal('failed');
    const props = new Map(n.manager.properties(n.manager.loadUnit('missing.service')));
    expect(props.get('ExecMainStatus')?.value).to.equal(203);
  });
});
