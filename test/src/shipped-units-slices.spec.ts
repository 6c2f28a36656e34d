import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createManager, unitFileSourceModule, type Manager, type Unit } from '@unitkit/core';
import { createFakes, type FakeEventLoop } from '@unitkit/testing';
import { isValidUnitName, unitNameReplaceInstance } from '@unitkit/unit-file';
import { serviceModule } from '@unitkit/plugin-service';
import { socketModule } from '@unitkit/plugin-socket';
import { targetModule } from '@unitkit/plugin-target';
import { timerModule } from '@unitkit/plugin-timer';
import { pathModule } from '@unitkit/plugin-path';
import { defaultSliceOf, sliceModule } from '@unitkit/plugin-slice';
import { killDirectivesModule } from '@unitkit/plugin-kill-cgroup';

/**
 * The machine's shipped units get the slices, Requires= and After= systemd 252 gives them (issue
 * 17). The table was recorded from a fresh `systemd --user` (systemd 252) on a Debian 12 machine:
 * `systemctl --user show -p Slice,Requires,After` of each unit of /usr/lib/systemd/user in name
 * order, lists sorted, .mount units left out (unitkit has no mount units). Units missing here are skipped; a unit whose
 * file differs from Debian 12's may differ too, so the test names which one.
 */
const recordedUser: Record<string, { Slice?: string; Requires: string; After: string }> = {
  'app.slice': { Slice: '-.slice', Requires: '-.slice', After: '-.slice' },
  'background.slice': { Slice: '-.slice', Requires: '-.slice', After: '-.slice' },
  'session.slice': { Slice: '-.slice', Requires: '-.slice', After: '-.slice' },
  'at-spi-dbus-bus.service': { Slice: 'session.slice', Requires: 'basic.target dbus.socket session.slice', After: 'basic.target dbus.socket session.slice' },
  'dbus.service': { Slice: 'session.slice', Requires: 'basic.target dbus.socket session.slice', After: 'basic.target dbus.socket session.slice' },
  'dbus.socket': { Slice: 'app.slice', Requires: 'app.slice', After: 'app.slice' },
  'dconf.service': { Slice: 'app.slice', Requires: 'app.slice basic.target dbus.socket', After: 'app.slice basic.target dbus.socket' },
  'dirmngr.service': { Slice: 'app.slice', Requires: 'app.slice basic.target dirmngr.socket', After: 'app.slice basic.target dirmngr.socket' },
  'dirmngr.socket': { Slice: 'app.slice', Requires: 'app.slice', After: 'app.slice' },
  'gpg-agent.service': {
    Slice: 'app.slice',
    Requires: 'app.slice basic.target gpg-agent.socket',
    After: 'app.slice basic.target gpg-agent-browser.socket gpg-agent-extra.socket gpg-agent-ssh.socket gpg-agent.socket',
  },
  'gpg-agent-ssh.socket': { Slice: 'app.slice', Requires: 'app.slice', After: 'app.slice' },
  'pk-debconf-helper.service': { Slice: 'app.slice', Requires: 'app.slice basic.target pk-debconf-helper.socket', After: 'app.slice basic.target pk-debconf-helper.socket' },
  'ssh-agent.service': { Slice: 'app.slice', Requires: 'app.slice basic.target', After: 'app.slice basic.target dbus.socket' },
  'systemd-exit.service': { Slice: '-.slice', Requires: '-.slice shutdown.target', After: '-.slice shutdown.target' },
  'systemd-tmpfiles-clean.service': { Slice: 'background.slice', Requires: 'background.slice', After: 'background.slice' },
  'systemd-tmpfiles-setup.service': { Slice: 'app.slice', Requires: 'app.slice', After: 'app.slice' },
  'systemd-tmpfiles-clean.timer': { Requires: '', After: '' },
  'default.target': { Requires: 'basic.target', After: 'basic.target' },
  'basic.target': { Requires: '', After: 'paths.target sockets.target timers.target' },
};

const UNIT_SUFFIX = /\.(service|socket|slice|target|timer|path)$/;

/** A manager of `scope` on the fakes, reading unit files from `dir` (the mode's search path when undefined), with every unit type that has a plugin. */
function managerOn(dir: string | undefined, scope: 'system' | 'user'): { manager: Manager; loop: FakeEventLoop } {
  const fakes = createFakes();
  const { manager } = createManager({
    modules: [
      fakes.module,
      unitFileSourceModule({ scope, ...(dir ? { searchPath: [dir] } : {}) }),
      serviceModule, socketModule, targetModule, timerModule, pathModule, sliceModule, killDirectivesModule,
    ],
    options: { scope },
  });
  return { manager, loop: fakes.loop };
}

/** Loads every unit file of `dir` (templates as instance "test"), as a manager that has them all loaded. */
function loadAll(m: Manager, dir: string): Unit[] {
  const units: Unit[] = [];
  for (const n of readdirSync(dir).filter((x) => UNIT_SUFFIX.test(x) && isValidUnitName(x))) {
    const name = isValidUnitName(n, { template: true }) && !isValidUnitName(n, { plain: true, instance: true }) ? unitNameReplaceInstance(n, 'test') : n;
    const u = m.loadUnit(name);
    m.ref(u);
    units.push(u);
  }
  return units;
}

const sorted = (us: Iterable<Unit>) => [...us].map((u) => u.id).filter((id) => !id.endsWith('.mount')).sort().join(' ');

describe('shipped units: Slice=, Requires= and After= as systemd gives them', () => {
  it('/usr/lib/systemd/user in a user manager matches what systemd --user showed', function () {
    const dir = '/usr/lib/systemd/user';
    if (!existsSync(dir)) {
      console.log(`      (skipped: ${dir} does not exist on this machine)`);
      this.skip();
    }
    // As recorded: a manager on the whole user search path (/etc/systemd/user enables the sockets)
    // that loaded default.target and what it pulls in at start, then showed each unit in name order,
    // loading it on demand and collecting it again afterwards.
    const { manager: m, loop } = managerOn(undefined, 'user');
    m.ref(m.loadUnit('default.target'));
    loop.runPending();
    const got: Record<string, unknown> = {};
    const want: Record<string, unknown> = {};
    for (const name of Object.keys(recordedUser).sort()) {
      const rec = recordedUser[name]!;
      if (!existsSync(`${dir}/${name}`)) continue;
      const u = m.loadUnit(name);
      want[name] = rec;
      got[name] = { ...(rec.Slice !== undefined ? { Slice: u.slice()?.id ?? '' } : {}), Requires: sorted(u.dependencies('Requires')), After: sorted(u.dependencies('After')) };
      loop.runPending();
    }
    expect(Object.keys(want).length, 'recorded units present on this machine').to.be.greaterThan(0);
    expect(got).to.deep.equal(want);
  });

  for (const [dir, scope] of [['/lib/systemd/system', 'system'], ['/usr/lib/systemd/user', 'user']] as const) {
    it(`every service and socket of ${dir} sits in Slice= or the ${scope} default slice, and requires and follows it`, function () {
      if (!existsSync(dir)) {
        console.log(`      (skipped: ${dir} does not exist on this machine)`);
        this.skip();
      }
      const { manager: m } = managerOn(dir, scope);
      const wrong: string[] = [];
      let n = 0;
      for (const u of loadAll(m, dir)) {
        if (u.loadState !== 'loaded' || !/\.(service|socket)$/.test(u.id)) continue;
        n++;
        const slice = u.slice();
        // The last Slice= of the fragment and its drop-ins, else the mode's default.
        let configured: string | undefined;
        for (const f of [u.definition?.fragmentPath, ...(u.definition?.dropInPaths ?? [])]) {
          if (!f) continue;
          for (const m of readFileSync(f, 'utf8').matchAll(/^Slice=(.*)$/gm)) configured = m[1]!.trim().replaceAll('%i', u.instance ?? '') || undefined;
        }
        const expected = configured ?? defaultSliceOf(u.id, scope);
        if (!slice || slice.id !== expected || !u.hasDependency('Requires', slice) || !u.hasDependency('After', slice) || !slice.hasDependency('SliceOf', u)) {
          wrong.push(`${u.id}: ${slice?.id ?? 'no slice'}`);
        }
      }
      expect(n, 'units looked at').to.be.greaterThan(0);
      expect(wrong).to.deep.equal([]);
    });
  }
});
