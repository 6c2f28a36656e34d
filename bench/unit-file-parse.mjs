// Benchmark: load 2,000 unit files with drop-ins through @unitkit/unit-file, as a daemon-reload would.
// Run: (cd packages/unit-file && npx tsc -b) && node bench/unit-file-parse.mjs [units]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  UnitFileLoader, unitSectionTable, installSectionTable, execDirective, environmentDirective, timeSpanDirective,
  booleanDirective, enumDirective, socketAddressDirective,
} from '../packages/unit-file/dist/index.js';

const N = Number(process.argv[2] ?? 2000);
const root = mkdtempSync(path.join(tmpdir(), 'unitkit-bench-'));
const etc = `${root}/etc`, lib = `${root}/lib`;
mkdirSync(etc, { recursive: true });
mkdirSync(`${lib}/service.d`, { recursive: true });
writeFileSync(`${lib}/service.d/00-all.conf`, '[Service]\nEnvironment=ALL=1\n');
let files = 0;
const names = [];
for (let i = 0; i < N; i++) {
  const name = `bench-${i}.service`;
  names.push(name);
  writeFileSync(`${lib}/${name}`, `[Unit]
Description=Benchmark unit %n number ${i}
Documentation=man:bench(8)
After=network.target bench-${(i + 1) % N}.service
Wants=bench-${(i + 2) % N}.service
ConditionPathExists=!/run/bench-${i}.disabled

[Service]
Type=notify
ExecStartPre=-/bin/mkdir -p /run/bench/%i
ExecStart=/usr/bin/bench --id=${i} --name "%n" --flag \\
    --more-args "quoted value" $EXTRA
ExecReload=/bin/kill -HUP $MAINPID
Environment="A=1" B=two LONG="some long value with spaces"
TimeoutStartSec=1min 30s
Restart=on-failure
RestartSec=100ms

[Install]
WantedBy=multi-user.target
`);
  files++;
  if (i % 2 === 0) {
    mkdirSync(`${etc}/${name}.d`, { recursive: true });
    writeFileSync(`${etc}/${name}.d/override.conf`, '[Service]\nExecStart=\nExecStart=/usr/bin/bench --override\nEnvironment=C=3\n');
    files++;
  }
}
const tables = [unitSectionTable, installSectionTable, {
  section: 'Service', unitTypes: ['service'],
  directives: {
    Type: enumDirective(['simple', 'exec', 'forking', 'oneshot', 'dbus', 'notify', 'notify-reload', 'idle']),
    ExecStartPre: execDirective(), ExecStart: execDirective(), ExecReload: execDirective(),
    Environment: environmentDirective(), TimeoutStartSec: timeSpanDirective(), RestartSec: timeSpanDirective(),
    Restart: enumDirective(['no', 'on-success', 'on-failure', 'on-abnormal', 'on-watchdog', 'on-abort', 'always']),
    RemainAfterExit: booleanDirective(),
  },
}, { section: 'Socket', unitTypes: ['socket'], directives: { ListenStream: socketAddressDirective() } }];
files += N; // the shared type-level drop-in is applied to every unit

function pass() {
  const loader = new UnitFileLoader({ searchPath: [etc, lib], tables, specifiers: { hostname: 'bench' }, unitFileStates: false });
  const t0 = process.hrtime.bigint();
  let errors = 0;
  for (const n of names) {
    const d = loader.load(n);
    if (d.loadState !== 'loaded' || d.diagnostics.length) errors++;
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, errors };
}

for (let i = 0; i < 3; i++) pass(); // warm up the JIT and the page cache
const runs = Array.from({ length: 5 }, pass);
const best = Math.min(...runs.map((r) => r.ms));
if (runs.some((r) => r.errors)) console.error(`unexpected: ${runs[0].errors} units did not load cleanly`);
console.log(`${N} units, ${files} files (fragments + drop-ins) per pass`);
console.log(`best of 5: ${best.toFixed(1)} ms  =>  ${Math.round(files / (best / 1000)).toLocaleString('en-US')} files/s, ${Math.round(N / (best / 1000)).toLocaleString('en-US')} units/s`);

const withStates = new UnitFileLoader({ searchPath: [etc, lib], tables, specifiers: { hostname: 'bench' } });
const t0 = process.hrtime.bigint();
for (const n of names) withStates.load(n);
console.log(`with unit file states (is-enabled per unit), cold: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
rmSync(root, { recursive: true, force: true });

// Pathological input: one ExecStart= continued over N lines must load in time linear in N (a
// re-sliced growing string made 200,000 lines take 111 s; systemd takes 14 s).
const big = mkdtempSync(path.join(tmpdir(), 'unitkit-bench-big-'));
for (const lines of [50000, 100000, 200000]) {
  writeFileSync(`${big}/big.service`, `[Service]\nExecStart=/bin/echo \\\n${'a \\\n'.repeat(lines)}b\n`);
  const loader = new UnitFileLoader({ searchPath: [big], tables, unitFileStates: false });
  const t = process.hrtime.bigint();
  const d = loader.load('big.service');
  console.log(`ExecStart= over ${lines.toLocaleString('en-US')} continuation lines: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms (${d.loadState})`);
}
rmSync(big, { recursive: true, force: true });
