/**
 * The spawner's terminals (StandardInput=tty*, StandardOutput=tty, TTYReset=…) and
 * StandardInput=data, with a real pseudo-terminal and real children.
 */
import { expect } from 'chai';
import { statSync } from 'node:fs';
import type { ExecSpec } from '@unitkit/core';
import { closeFd, openPty, readFd, setNonblocking } from './fd-ops.js';
import { killLeftovers, outputPipe, spawner, startReaping, track, waitExit } from './spec-helpers.js';

function shell(script: string, extra: Partial<ExecSpec>): ExecSpec {
  return { path: '/bin/sh', argv: ['sh', '-c', script], env: ['PATH=/usr/bin:/bin'], stdin: { kind: 'null' }, stdout: { kind: 'inherit' }, stderr: { kind: 'inherit' }, newSession: true, ...extra };
}

/** What the children wrote to the terminal so far (EIO: no one has it open any more). */
function drain(master: number): string {
  let text = '';
  for (;;) {
    let chunk: Buffer | null;
    try {
      chunk = readFd(master);
    } catch {
      break;
    }
    if (!chunk || chunk.length === 0) break;
    text += chunk.toString('utf8');
  }
  return text.replace(/\r\n/g, '\n');
}

describe('NativeProcessSpawner: terminals and StandardInput=data', () => {
  let pty: { master: number; path: string };
  before(startReaping);
  beforeEach(() => {
    pty = openPty();
    setNonblocking(pty.master, true);
  });
  afterEach(() => {
    killLeftovers();
    closeFd(pty.master);
  });

  it('takes the terminal as stdin and controlling terminal; stdout and stderr on the same terminal share its fd', async () => {
    const child = spawner.spawn(shell('cut -d" " -f7 /proc/self/stat; readlink /proc/self/fd/0 /proc/self/fd/2; echo err >&2', {
      stdin: { kind: 'terminal', path: pty.path, acquire: 'try' },
      stdout: { kind: 'terminal', path: pty.path },
      stderr: { kind: 'terminal', path: pty.path },
    }));
    track(child.pid);
    expect((await waitExit(child.pid)).status).to.equal(0);
    const [ttyNr, in0, err2, err] = drain(pty.master).trim().split('\n');
    expect(Number(ttyNr)).to.equal(statSync(pty.path).rdev);
    expect([in0, err2, err]).to.deep.equal([pty.path, pty.path, 'err']);
  });

  it('opens the terminal for writing only when stdin is not it (no controlling terminal then)', async () => {
    const child = spawner.spawn(shell('cut -d" " -f7 /proc/self/stat; readlink /proc/self/fd/0', { stdout: { kind: 'terminal', path: pty.path } }));
    track(child.pid);
    await waitExit(child.pid);
    expect(drain(pty.master).trim().split('\n')).to.deep.equal(['0', '/dev/null']);
  });

  it("'try' fails with 208/STDIN while another session has the terminal; 'force' takes it", async () => {
    const holder = spawner.spawn(shell('exec sleep 30', { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' } }));
    track(holder.pid);
    const tried = spawner.spawn(shell('exit 0', { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' } }));
    track(tried.pid);
    expect(tried.failure?.step).to.equal('STDIN');
    expect((await waitExit(tried.pid)).status).to.equal(208);
    const forced = spawner.spawn(shell('cut -d" " -f7 /proc/self/stat', { stdin: { kind: 'terminal', path: pty.path, acquire: 'force' }, stdout: { kind: 'terminal', path: pty.path } }));
    track(forced.pid);
    expect((await waitExit(forced.pid)).status).to.equal(0);
    expect(Number(drain(pty.master).trim())).to.equal(statSync(pty.path).rdev);
  });

  it('TTYReset= restores sane line settings before the child takes the terminal', async () => {
    const raw = spawner.spawn(shell('stty raw -echo', { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' } }));
    track(raw.pid);
    await waitExit(raw.pid);
    const check = 'stty -a | tr " " "\\n" | grep -xE -- "-?(icanon|echo|icrnl)" | tr "\\n" " "';
    const before = spawner.spawn(shell(check, { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' }, stdout: { kind: 'terminal', path: pty.path } }));
    track(before.pid);
    await waitExit(before.pid);
    expect(drain(pty.master).trim()).to.equal('-icrnl -icanon -echo');
    const reset = spawner.spawn(shell(check, { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' }, stdout: { kind: 'terminal', path: pty.path }, terminalReset: { reset: true, vhangup: false, vtDisallocate: false } }));
    track(reset.pid);
    await waitExit(reset.pid);
    expect(drain(pty.master).trim()).to.equal('icrnl icanon echo');
  });

  it('sets TTYRows=/TTYColumns= on the terminal it takes', async () => {
    const child = spawner.spawn(shell('stty size', { stdin: { kind: 'terminal', path: pty.path, acquire: 'try' }, stdout: { kind: 'terminal', path: pty.path }, terminalReset: { reset: false, vhangup: false, vtDisallocate: false, rows: 40, columns: 100 } }));
    track(child.pid);
    await waitExit(child.pid);
    expect(drain(pty.master).trim()).to.equal('40 100');
  });

  it('hands StandardInput=data over as a sealed memory file named data-fd', async () => {
    const out = outputPipe();
    const child = spawner.spawn(shell('readlink /proc/self/fd/0; cat; echo x >> /proc/self/fd/0 2>/dev/null || echo sealed', { stdin: { kind: 'data', data: new TextEncoder().encode('hello\nworld\n') }, stdout: { kind: 'fd', fd: out.writeFd } }));
    track(child.pid);
    await waitExit(child.pid);
    expect(out.collect()).to.equal('/memfd:data-fd (deleted)\nhello\nworld\nsealed\n');
  });
});
