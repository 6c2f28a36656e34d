import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENVIRONMENT_FILE_MAX, readEnvironmentFile } from './environment-file.js';

describe('readEnvironmentFile', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envfile-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file; a missing optional one is empty', () => {
    fs.writeFileSync(path.join(dir, 'e'), 'A=1\n# c\nB="two words"\n');
    expect(readEnvironmentFile({ path: path.join(dir, 'e') })).to.deep.equal(['A=1', 'B=two words']);
    expect(readEnvironmentFile({ path: path.join(dir, 'nope'), optional: true })).to.deep.equal([]);
    expect(() => readEnvironmentFile({ path: path.join(dir, 'nope') })).to.throw(/ENOENT/);
  });

  it('refuses a FIFO at once instead of blocking the manager until someone writes to it', () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => readEnvironmentFile({ path: fifo })).to.throw(/is not a regular file/);
  });

  it('refuses a device that never ends and a file over the size limit', () => {
    expect(() => readEnvironmentFile({ path: '/dev/zero' })).to.throw(/is not a regular file/);
    const big = path.join(dir, 'big');
    fs.writeFileSync(big, Buffer.alloc(ENVIRONMENT_FILE_MAX + 1, 0x41));
    expect(() => readEnvironmentFile({ path: big })).to.throw(/is larger than/);
  });
});
