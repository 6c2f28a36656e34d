import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { EventLoop, FdEvents, FdWatch } from '@unitkit/core';
import { writeFd } from '@unitkit/native';
import { Journal, formatJournalShort, parseJournalLine } from './journal.js';
import { JournalOutputCapture } from './journal-output-capture.js';

/** Just enough of an EventLoop for the capture: watchFd polls with a Node timer (no reaper in the test process). */
function pollingLoop(): EventLoop {
  return {
    now: () => Number(process.hrtime.bigint() / 1000n),
    realtime: () => Date.now() * 1000,
    armTimer: () => ({ dispose() {} }),
    watchFd: (_fd: number, _events: FdEvents, cb: (e: FdEvents) => void): FdWatch => {
      const t = setInterval(() => cb({ readable: true }), 5);
      return { dispose: () => clearInterval(t), update() {} };
    },
    onChildExit: () => ({ dispose() {} }),
    defer: (cb: () => void) => setImmediate(cb),
  } as unknown as EventLoop;
}

describe('Journal', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps one line per entry with time, unit, pid, priority, identifier and message', () => {
    const j = new Journal({ dir });
    j.append({ time: 1_700_000_000_000_000, unit: 'a.service', pid: 42, priority: 6, identifier: 'a', message: 'one\ttab' });
    expect(fs.readFileSync(path.join(dir, 'a.service.journal'), 'utf8')).to.equal('1700000000000000\ta.service\t42\t6\ta\tone\ttab\n');
    expect(j.tail('a.service')).to.deep.equal([{ time: 1_700_000_000_000_000, unit: 'a.service', pid: 42, priority: 6, identifier: 'a', message: 'one\ttab' }]);
  });

  it('rotates at the size limit and reads across the rotated file; tail(n) keeps the last n', () => {
    const j = new Journal({ dir, maxFileBytes: 200 });
    for (let i = 0; i < 10; i++) j.append({ time: i, unit: 'r.service', pid: 1, priority: 6, identifier: 'r', message: `line ${i}` });
    expect(fs.existsSync(path.join(dir, 'r.service.journal.1'))).to.equal(true);
    expect(fs.statSync(path.join(dir, 'r.service.journal')).size).to.be.at.most(200);
    const last = j.tail('r.service', 2).map((e) => e.message);
    expect(last).to.deep.equal(['line 8', 'line 9']);
  });

  it('refuses torn lines and formats entries as journalctl short', () => {
    expect(parseJournalLine('garbage')).to.equal(undefined);
    const line = formatJournalShort({ time: Date.UTC(2026, 10, 21, 1, 2, 3) * 1000, unit: 'x', pid: 7, priority: 6, identifier: 'sh', message: 'hi' }, 'host');
    expect(line).to.match(/^Nov 21 \d\d:02:03 host sh\[7\]: hi$/);
  });

  it('keeps the instances of a template in one file (one per Accept=yes connection would pile up), reading each apart', () => {
    const j = new Journal({ dir });
    for (let i = 0; i < 500; i++) j.append({ time: i, unit: `greet@${i}-1-2.service`, pid: 100 + i, priority: 6, identifier: 'greet', message: `hello ${i}` });
    j.append({ time: 1, unit: 'greet.socket', pid: 1, priority: 6, identifier: 'unitkitd', message: 'Listening' });
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['greet.socket.journal', 'greet@.service.journal']);
    expect(j.tail('greet@7-1-2.service').map((e) => e.message)).to.deep.equal(['hello 7']);
    expect(j.tail('greet.socket').map((e) => e.message)).to.deep.equal(['Listening']);
  });

  it('reports a failing disk once per outage and keeps streaming to followers', () => {
    const errors: string[] = [];
    const j = new Journal({ dir, onWriteError: (e) => errors.push(e.message) });
    const seen: string[] = [];
    j.events.on('entry', (e) => seen.push(e.message));
    // The unit's file cannot be written while a directory stands in its place (root ignores modes).
    fs.mkdirSync(path.join(dir, 'a.service.journal'));
    for (let i = 0; i < 3; i++) j.append({ time: i, unit: 'a.service', pid: 1, priority: 6, identifier: 'a', message: `m${i}` });
    expect(errors).to.have.length(1);
    expect(seen).to.deep.equal(['m0', 'm1', 'm2']);
    fs.rmdirSync(path.join(dir, 'a.service.journal'));
    j.append({ time: 9, unit: 'a.service', pid: 1, priority: 6, identifier: 'a', message: 'back' });
    j.append({ time: 10, unit: 'a.service', pid: 1, priority: 6, identifier: 'a', message: 'again' });
    expect(errors).to.have.length(1);
    expect(j.tail('a.service').map((e) => e.message)).to.deep.equal(['back', 'again']);
  });

  it('streams appended entries to followers', () => {
    const j = new Journal({ dir });
    const got: string[] = [];
    j.events.on('entry', (e) => got.push(e.message));
    j.append({ time: 1, unit: 'f.service', pid: 1, priority: 6, identifier: 'f', message: 'a\nb' });
    expect(got).to.deep.equal(['a', 'b']);
  });
});

describe('JournalOutputCapture', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capture-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('turns each line written to the pipe into an entry of the unit with the writer pid; EOF flushes a partial line', async () => {
    const j = new Journal({ dir });
    const cap = new JournalOutputCapture(pollingLoop(), j);
    const stream = cap.open('cap.service', 'probe', 6);
    // The "child" writes through a duplicate of the write end it would have inherited.
    const childFd = fs.openSync(`/proc/self/fd/${stream.fd}`, 'w');
    stream.spawned(1234);
    writeFd(childFd, Buffer.from('hello\nwor'));
    writeFd(childFd, Buffer.from('ld\npartial'));
    fs.closeSync(childFd);
    const end = Date.now() + 2000;
    while (j.tail('cap.service').length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(j.tail('cap.service').map((e) => [e.message, e.pid, e.identifier, e.priority])).to.deep.equal([
      ['hello', 1234, 'probe', 6],
      ['world', 1234, 'probe', 6],
      ['partial', 1234, 'probe', 6],
    ]);
  });
});
