/**
 * NativeUtmpRecords: records written with glibc to utmp and wtmp files of the test, read back from
 * the struct utmpx layout of Linux (384 bytes: type, pid, line, id, user…).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NativeUtmpRecords } from './native-utmp-records.js';
import { scratch } from './spec-helpers.js';

const RECORD = 384;
const text = (b: Buffer) => b.toString('latin1').replace(/\0.*$/s, '');

/** The records of a utmp/wtmp file: type, pid, line, id, user. */
function records(file: string): Array<[number, number, string, string, string]> {
  const buf = readFileSync(file);
  const out: Array<[number, number, string, string, string]> = [];
  for (let o = 0; o + RECORD <= buf.length; o += RECORD) {
    out.push([buf.readInt16LE(o), buf.readInt32LE(o + 4), text(buf.subarray(o + 8, o + 40)), text(buf.subarray(o + 40, o + 44)), text(buf.subarray(o + 44, o + 76))]);
  }
  return out;
}

describe('NativeUtmpRecords (UtmpIdentifier=)', () => {
  it('writes LOGIN/USER/INIT records and ends them with DEAD_PROCESS, wtmp keeping the line', function () {
    if (process.arch !== 'x64' && process.arch !== 'arm64') {
      console.log(`      (skipped: the struct utmpx layout read here is that of 64-bit Linux, not ${process.arch})`);
      return this.skip();
    }
    const utmp = join(scratch, 'utmp');
    const wtmp = join(scratch, 'wtmp');
    // glibc writes to existing databases only, as on a system where they are set up.
    writeFileSync(utmp, '');
    writeFileSync(wtmp, '');
    const r = new NativeUtmpRecords({ utmp, wtmp });
    r.processStarted({ id: 'tty9', pid: 4242, sid: 4242, line: 'tty9', mode: 'login' });
    r.processStarted({ id: 'console', pid: 4243, sid: 4243, line: 'console', mode: 'user', user: 'alice' });
    r.processStarted({ id: 'init', pid: 4244, sid: 4244, mode: 'init' });
    r.processExited({ id: 'tty9', pid: 4242, code: 1, status: 0 });
    // A dead record whose process is not the one recorded is not written.
    r.processExited({ id: 'console', pid: 9999, code: 1, status: 0 });
    // INIT_PROCESS 5, LOGIN_PROCESS 6, USER_PROCESS 7, DEAD_PROCESS 8; ut_id keeps the last 4 characters.
    expect(records(utmp)).to.deep.equal([[8, 4242, '', 'tty9', ''], [7, 4243, 'console', 'sole', 'alice'], [5, 4244, '', 'init', '']]);
    expect(records(wtmp)).to.deep.equal([
      [6, 4242, 'tty9', 'tty9', 'LOGIN'], [7, 4243, 'console', 'sole', 'alice'], [5, 4244, '', 'init', ''], [8, 4242, 'tty9', 'tty9', ''],
    ]);
  });
});
