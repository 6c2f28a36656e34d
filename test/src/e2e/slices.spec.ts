/**
 * Slices on the whole native stack: a service with Slice=a-b.slice runs in the cgroup
 * a.slice/a-b.slice/NAME below the manager's subtree (where the machine lets the manager create
 * cgroups), its slices are active and list it, and stopping the top slice stops the service and
 * both slices.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import { nativeStack, type NativeStack } from './native-stack.js';
import { KillCgroupProcessScopes } from '@unitkit/plugin-kill-cgroup';

describe('end to end: slices', function () {
  this.timeout(30000);
  let s: NativeStack;
  beforeEach(() => (s = nativeStack()));
  afterEach(async () => s.close());

  it('nests the cgroup in the slice chain; stopping a slice stops what is in it', async function () {
    s.unit('nested.service', '[Unit]\nDefaultDependencies=no\n[Service]\nSlice=a-b.slice\nExecStart=/bin/sleep 300\n');
    expect(await s.run('start', 'nested.service')).to.equal('done');
    expect(s.state('nested.service')).to.equal('active/running');
    expect(s.state('a-b.slice')).to.equal('active/active');
    expect(s.state('a.slice')).to.equal('active/active');
    expect(s.prop('nested.service', 'Slice')).to.equal('a-b.slice');
    expect(s.prop('a.slice', 'SliceOf')).to.equal('a-b.slice');
    const scopes = s.manager.processScopes as KillCgroupProcessScopes;
    const info = scopes.backend();
    if (info.backend === 'cgroup') {
      const cg = s.prop('nested.service', 'ControlGroup');
      expect(cg.endsWith('/a.slice/a-b.slice/nested.service'), cg).to.equal(true);
      const pid = Number(s.prop('nested.service', 'MainPID'));
      expect(fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8')).to.include('/a.slice/a-b.slice/nested.service\n');
    } else {
      console.log(`      (cgroup nesting not checked: ${info.reason})`);
    }
    expect(await s.run('stop', 'a.slice')).to.equal('done');
    await s.waitFor(() => s.state('nested.service') === 'inactive/dead');
    expect(s.state('a-b.slice')).to.equal('inactive/dead');
    expect(s.state('a.slice')).to.equal('inactive/dead');
  });
});
