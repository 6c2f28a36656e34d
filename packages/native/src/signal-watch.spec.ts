import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { killAllProcesses, sigrtmin, watchSignal } from './signal-watch.js';

describe('watchSignal', () => {
  it('hears a real-time signal that process.on() cannot name (SIGRTMIN+3)', async () => {
    const rt3 = sigrtmin() + 3;
    const got: number[] = [];
    const w = watchSignal(rt3, (s) => got.push(s));
    try {
      process.kill(process.pid, rt3);
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).to.deep.equal([rt3]);
    } finally {
      w.dispose();
    }
  });

  it('coexists with process.on() for the same signal, and stops on dispose', async () => {
    const byNode: string[] = [];
    const byWatch: number[] = [];
    const onUsr2 = (s: string) => byNode.push(s);
    process.on('SIGUSR2', onUsr2);
    const w = watchSignal(12, (s) => byWatch.push(s));
    try {
      process.kill(process.pid, 'SIGUSR2');
      for (let i = 0; i < 100 && (byNode.length === 0 || byWatch.length === 0); i++) await new Promise((r) => setTimeout(r, 10));
      expect(byNode).to.deep.equal(['SIGUSR2']);
      expect(byWatch).to.deep.equal([12]);
      w.dispose();
      w.dispose();
      process.kill(process.pid, 'SIGUSR2');
      for (let i = 0; i < 100 && byNode.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      expect(byWatch).to.deep.equal([12]);
    } finally {
      process.off('SIGUSR2', onUsr2);
      w.dispose();
    }
  });

  it('keeps watching when the caller drops the handle and the garbage collector runs', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const got: number[] = [];
    const rt10 = sigrtmin() + 10;
    watchSignal(rt10, (s) => got.push(s));
    if (gc) gc();
    else {
      // Without --expose-gc: make garbage until a collection has surely happened.
      for (let i = 0; i < 50; i++) new Array(1e5).fill(i);
    }
    await new Promise((r) => setTimeout(r, 10));
    process.kill(process.pid, rt10);
    for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(got).to.deep.equal([rt10]);
  });

  it('refuses SIGKILL, SIGSTOP and non-signals', () => {
    for (const s of [9, 19, 0, 200]) expect(() => watchSignal(s, () => {})).to.throw(/not a signal that can be caught/);
  });

  it('killAllProcesses(SIGTERM) as PID 1 of a new PID namespace finds the others (unshare)', function () {
    const probe = spawnSync('unshare', ['--version'], { stdio: 'ignore' });
    if (probe.status !== 0 || process.getuid?.() !== 0) {
      console.log('    (skipped: needs root and unshare for a pid namespace)');
      this.skip();
    }
    // In the namespace: one sleeper, then PID 1 (node) broadcasts SIGTERM and reports what kill(-1) said.
    const script = `import('${new URL('./signal-watch.js', import.meta.url).href}').then(async (m) => {
      const { spawn } = await import('node:child_process');
      const c = spawn('sleep', ['100'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 100));
      const sent = m.killAllProcesses(15);
      c.on('exit', (code, sig) => { console.log(JSON.stringify({ pid: process.pid, sent, sig })); process.exit(0); });
    })`;
    const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(JSON.parse(r.stdout)).to.deep.equal({ pid: 1, sent: true, sig: 'SIGTERM' });
  });
});
