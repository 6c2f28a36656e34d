/**
 * The long fuzz run: `npm run fuzz -- --minutes N [--seed S] [--target NAME]… [--hang-ms MS] [--out DIR]`
 * splits N minutes between the targets and prints, per target, the inputs tried, the crashes (with
 * the file each input was saved to), the hangs, the slowest input and the pathological size/time
 * table. `npm run fuzz -- --replay FILE` runs one saved input again and prints what it threw.
 * Exits 1 when something crashed or hung.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fuzzTargets } from './fuzz-targets.js';
import { formatReport, runOne, runTarget } from './fuzz-runner.js';
import { startWatchdog } from './fuzz-watchdog.js';

interface Args { minutes: number; seed: number; targets: string[]; hangMs: number; out: string; replay?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { minutes: 1, seed: Date.now() % 2 ** 31, targets: [], hangMs: 1000, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const val = () => inline ?? argv[++i] ?? '';
    switch (flag) {
      case '--minutes': a.minutes = Number(val()); break;
      case '--seed': a.seed = Number(val()); break;
      case '--target': a.targets.push(...val().split(',')); break;
      case '--hang-ms': a.hangMs = Number(val()); break;
      case '--out': a.out = val(); break;
      case '--replay': a.replay = val(); break;
      case '--help':
      case '-h':
        console.log('npm run fuzz -- [--minutes N] [--seed S] [--target NAME]… [--hang-ms MS] [--out DIR] | --replay FILE');
        console.log(`targets: ${fuzzTargets.map((t) => t.name).join(', ')}`);
        process.exit(0);
        break;
      default:
        console.error(`unknown argument ${argv[i]}`);
        process.exit(2);
    }
  }
  if (!(a.minutes > 0) || !Number.isInteger(a.seed)) {
    console.error('--minutes must be positive and --seed an integer');
    process.exit(2);
  }
  return a;
}

async function replay(file: string): Promise<number> {
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { target: string; input: unknown };
  const target = fuzzTargets.find((t) => t.name === saved.target);
  if (!target) throw new Error(`no target ${saved.target}`);
  await target.setup?.();
  const t0 = performance.now();
  const error = await runOne(target, saved.input);
  const ms = performance.now() - t0;
  await target.teardown?.();
  console.log(error === undefined ? `${saved.target}: no crash (${ms.toFixed(1)} ms)` : `${saved.target}: crash after ${ms.toFixed(1)} ms\n${(error as Error)?.stack ?? String(error)}`);
  return error === undefined ? 0 : 1;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.replay) return replay(args.replay);
  const unknown = args.targets.filter((n) => !fuzzTargets.some((t) => t.name === n));
  if (unknown.length > 0) {
    console.error(`unknown target ${unknown.join(', ')}; targets: ${fuzzTargets.map((t) => t.name).join(', ')}`);
    return 2;
  }
  const targets = args.targets.length > 0 ? fuzzTargets.filter((t) => args.targets.includes(t.name)) : fuzzTargets;
  const out = args.out || fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-fuzz-'));
  // Each target gets its share of the time, less about 10 % for its pathological table.
  const share = (args.minutes * 60_000) / targets.length;
  console.log(`fuzzing ${targets.map((t) => t.name).join(', ')} for ${args.minutes} min, seed ${args.seed}; inputs are saved under ${out}`);
  let bad = false;
  process.on('uncaughtException', (e) => {
    bad = true;
    console.error(`uncaught exception (outside any input's run): ${e.stack ?? String(e)}`);
  });
  // An input that never returns blocks this thread: a watchdog thread saves it and ends the run.
  const watchdog = startWatchdog(out, Math.max(args.hangMs * 30, 60_000));
  for (const t of targets) {
    const report = await runTarget(t, { seed: args.seed, deadline: performance.now() + share * 0.9, hangMs: args.hangMs, saveDir: out, onInput: watchdog.beat });
    console.log(formatReport(report));
    if (report.crashCount > 0 || report.hangs.length > 0) bad = true;
  }
  watchdog.stop();
  console.log(bad ? 'FOUND PROBLEMS' : 'no crashes, no hangs');
  return bad ? 1 : 0;
}

process.exitCode = await main();
// The control target's server and any follow streams are closed; nothing else should keep the loop alive.
setTimeout(() => process.exit(), 100).unref();
