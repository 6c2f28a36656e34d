import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCtl } from '../unitkitctl.js';
import { exportVerbArgs } from './export.js';

describe('unitkitctl export', () => {
  it('is recognised as the verb wherever systemctl options stand before it', () => {
    expect(exportVerbArgs(['export', 'kubernetes', '--image=x'])).to.deep.equal(['kubernetes', '--image=x']);
    expect(exportVerbArgs(['--user', 'export', 'kubernetes'])).to.deep.equal(['--user', 'kubernetes']);
    expect(exportVerbArgs(['-p', 'export', 'show'])).to.equal(undefined);
    expect(exportVerbArgs(['show', 'export'])).to.equal(undefined);
    expect(exportVerbArgs(['--', 'export'])).to.equal(undefined);
  });

  it('prints manifests without a manager to talk to', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkitctl-export-'));
    try {
      fs.writeFileSync(path.join(dir, 'hello.service'), '[Service]\nExecStart=/bin/sleep infinity\n');
      const out: string[] = [];
      const err: string[] = [];
      // No UNITKIT_RUNTIME_DIR and no manager: export reads files only.
      const rc = await runCtl(['--no-pager', 'export', 'kubernetes', `--unit-path=${dir}`, 'hello.service'], {}, { out: (l) => out.push(l), err: (l) => err.push(l) });
      expect(rc).to.equal(0);
      expect(err).to.deep.equal([]);
      const text = out.join('\n');
      expect(text).to.match(/^kind: Deployment$/m);
      expect(text).to.match(/- --unit=hello\.service$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
