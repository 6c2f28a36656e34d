import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { installSectionTable } from './install-section.js';
import type { DirectiveTable } from './types.js';
import { UnitFileLoader } from './unit-file-loader.js';
import { isValidUnitName, unitNameReplaceInstance } from './unit-name.js';
import { environmentDirective, execDirective, exitStatusSetDirective, socketAddressDirective } from './value-directives.js';
import { modeDirective, signalDirective, timeSpanDirective } from './common-parsers.js';
import { unitSectionTable } from './unit-section.js';

// The sections other packages own, declared empty here: their keys are counted as
// "not implemented in this package" instead of failing.
const OTHER_SECTIONS: [string, string][] = [
  ['Service', 'service'], ['Socket', 'socket'], ['Timer', 'timer'], ['Path', 'path'], ['Mount', 'mount'],
  ['Automount', 'automount'], ['Swap', 'swap'], ['Slice', 'slice'], ['Scope', 'scope'],
];
const stubTables: DirectiveTable[] = OTHER_SECTIONS.map(([section, type]) => ({ section, unitTypes: [type], directives: {} }));

// The value parsers of this package that other sections use, run over the real files too.
const exec = ['ExecStart', 'ExecStartPre', 'ExecStartPost', 'ExecStop', 'ExecStopPost', 'ExecReload'];
const serviceValues: DirectiveTable = {
  section: 'Service', unitTypes: ['service'],
  directives: {
    ...Object.fromEntries(exec.map((k) => [k, execDirective()])),
    Environment: environmentDirective(),
    TimeoutSec: timeSpanDirective(), TimeoutStartSec: timeSpanDirective(), TimeoutStopSec: timeSpanDirective(),
    RestartSec: timeSpanDirective(), WatchdogSec: timeSpanDirective(),
    SuccessExitStatus: exitStatusSetDirective(), KillSignal: signalDirective(), RestartKillSignal: signalDirective(),
  },
};
const socketValues: DirectiveTable = {
  section: 'Socket', unitTypes: ['socket'],
  directives: {
    ListenStream: socketAddressDirective(), ListenDatagram: socketAddressDirective(), ListenSequentialPacket: socketAddressDirective(),
    SocketMode: modeDirective(), DirectoryMode: modeDirective(), ExecStartPost: execDirective(),
  },
};
const timerValues: DirectiveTable = {
  section: 'Timer', unitTypes: ['timer'],
  directives: Object.fromEntries(['AccuracySec', 'OnBootSec', 'OnStartupSec', 'OnUnitActiveSec', 'RandomizedDelaySec'].map((k) => [k, timeSpanDirective()])),
};
stubTables.push(serviceValues, socketValues, timerValues);

for (const [dir, scope] of [['/lib/systemd/system', 'system'], ['/usr/lib/systemd/user', 'user']] as const) {
  describe(`every unit file shipped in ${dir}`, function () {
    if (!existsSync(dir)) {
      it.skip(`(${dir} does not exist on this machine)`);
      return;
    }
    it('loads with zero errors; prints the directives other packages must implement', () => {
      const loader = new UnitFileLoader({ searchPath: [dir], tables: [unitSectionTable, installSectionTable, ...stubTables], scope, unitFileStates: false });
      const names = readdirSync(dir).filter((n) => isValidUnitName(n));
      const failures: string[] = [];
      const missing = new Map<string, number>();
      const otherWarnings: string[] = [];
      let loaded = 0;
      for (const n of names) {
        const name = isValidUnitName(n, { template: true }) ? unitNameReplaceInstance(n, 'test') : n;
        const def = loader.load(name);
        if (def.loadState === 'masked') continue;
        if (def.loadState !== 'loaded') failures.push(`${name}: ${def.loadState}: ${def.loadError}`);
        else loaded++;
        for (const d of def.diagnostics) {
          if (d.severity === 'error') failures.push(`${d.file}:${d.line}: ${d.message}`);
          else if (/Unknown key name/.test(d.message) && d.section !== 'Unit' && d.section !== 'Install') {
            const k = `[${d.section}] ${d.key}`;
            missing.set(k, (missing.get(k) ?? 0) + 1);
          } else otherWarnings.push(`${d.file}:${d.line}: ${d.message}`);
        }
      }
      if (missing.size) {
        console.log(`      ${loaded} units loaded from ${dir}; directives left to other packages (count):`);
        for (const [k, c] of [...missing].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) console.log(`        ${String(c).padStart(4)}  ${k}`);
      }
      expect(failures).to.deep.equal([]);
      expect(otherWarnings).to.deep.equal([]);
    });
  });
}
