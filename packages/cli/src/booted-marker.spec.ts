import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createBootedMarker } from './booted-marker.js';

describe('booted marker (/run/systemd/system)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'booted-marker-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and its parents, mode 0755, and leaves an existing one alone', () => {
    const marker = path.join(dir, 'systemd', 'system');
    expect(createBootedMarker(marker)).to.equal(undefined);
    expect(fs.statSync(marker).isDirectory()).to.equal(true);
    expect(fs.statSync(marker).mode & 0o777).to.equal(0o755 & ~process.umask());
    expect(createBootedMarker(marker)).to.equal(undefined);
  });

  it('reports, without throwing, a marker it cannot create', () => {
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    expect(createBootedMarker(path.join(file, 'system'))).to.be.a('string');
    expect(createBootedMarker(file)).to.be.a('string');
  });
});
