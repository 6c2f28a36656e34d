import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { acquirePrivateTmp, bootIdText, releasePrivateTmp } from './private-tmp.js';

describe('PrivateTmp= directories', () => {
  let base: string;
  let roots: { tmp: string; varTmp: string };
  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-ptmp-'));
    roots = { tmp: path.join(base, 'tmp'), varTmp: path.join(base, 'var-tmp') };
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('are systemd-private-<boot id>-<unit>-XXXXXX/tmp (0700 outside, 1777 inside), reused until released', () => {
    const a = acquirePrivateTmp(base, 'a.service', roots);
    expect(path.basename(path.dirname(a.tmp))).to.match(new RegExp(`^systemd-private-${bootIdText()}-a\\.service-[A-Za-z0-9]{6}$`));
    expect(fs.statSync(path.dirname(a.tmp)).mode & 0o7777).to.equal(0o700);
    expect(fs.statSync(a.tmp).mode & 0o7777).to.equal(0o1777);
    expect(a.varTmp.startsWith(roots.varTmp)).to.equal(true);
    expect(acquirePrivateTmp(base, 'a.service', roots)).to.deep.equal(a);
    releasePrivateTmp(base, 'a.service');
    expect(fs.readdirSync(roots.tmp)).to.deep.equal([]);
    expect(fs.readdirSync(roots.varTmp)).to.deep.equal([]);
    expect(acquirePrivateTmp(base, 'a.service', roots).tmp).to.not.equal(a.tmp);
    releasePrivateTmp(base, 'a.service');
  });

  it('are shared with a unit of JoinsNamespaceOf= and removed when the last of them stops', () => {
    const a = acquirePrivateTmp(base, 'a.service', roots);
    const b = acquirePrivateTmp(base, 'b.service', roots, ['a.service']);
    expect(b).to.deep.equal(a);
    releasePrivateTmp(base, 'a.service');
    expect(fs.existsSync(a.tmp)).to.equal(true);
    releasePrivateTmp(base, 'b.service');
    expect(fs.existsSync(a.tmp)).to.equal(false);
    // A joined unit without directories of its own: the unit gets its own.
    const c = acquirePrivateTmp(base, 'c.service', roots, ['nothing.service']);
    expect(c.tmp).to.not.equal(a.tmp);
    releasePrivateTmp(base, 'c.service');
  });

  it('are found again from the records in the runtime directory (a re-executed manager)', () => {
    const a = acquirePrivateTmp(base, 'a.service', roots);
    expect(JSON.parse(fs.readFileSync(path.join(base, 'private-tmp', 'a.service'), 'utf8')).dirs).to.deep.equal(a);
    expect(acquirePrivateTmp(base, 'a.service', roots)).to.deep.equal(a);
    releasePrivateTmp(base, 'a.service');
    expect(fs.existsSync(path.join(base, 'private-tmp', 'a.service'))).to.equal(false);
  });
});
