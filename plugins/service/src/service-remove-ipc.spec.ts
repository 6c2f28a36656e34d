import { expect } from 'chai';
import { serviceTest } from './test/service-harness.js';

describe('service: RemoveIPC=', () => {
  it("removes the IPC objects of the unit's user and group when the last service running as them stops", () => {
    const t = serviceTest();
    t.service('a.service', 'ExecStart=/bin/sleep 100\nUser=65534\nGroup=65534\nRemoveIPC=yes');
    t.service('b.service', 'ExecStart=/bin/sleep 100\nUser=65534\nGroup=65534\nRemoveIPC=yes');
    t.start('a.service');
    t.start('b.service');
    t.stop('a.service');
    // b.service still runs as that user: nothing goes yet (systemd counts references to the uid).
    expect(t.ipc.removals).to.deep.equal([]);
    t.stop('b.service');
    expect(t.ipc.removals).to.deep.equal([{ uid: 65534, gid: 65534 }]);
  });

  it('does nothing without RemoveIPC=, without a user, or for root', () => {
    const t = serviceTest();
    t.service('plain.service', 'ExecStart=/bin/sleep 100\nUser=65534');
    t.service('nouser.service', 'ExecStart=/bin/sleep 100\nRemoveIPC=yes');
    t.service('root.service', 'ExecStart=/bin/sleep 100\nUser=0\nGroup=0\nRemoveIPC=yes');
    for (const u of ['plain.service', 'nouser.service', 'root.service']) {
      t.start(u);
      t.stop(u);
    }
    expect(t.ipc.removals).to.deep.equal([]);
  });
});
