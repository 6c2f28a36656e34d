/**
 * Unit files through the whole load path of a real manager: the parser with every plugin's
 * directive table, drop-ins, the type's load(), `show --all`, then a start, a random run of its
 * processes and timers, a daemon-reload and a stop.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnitFileLoader, unitSectionTable, installSectionTable } from '@unitkit/unit-file';
import { serviceSectionTable } from '@unitkit/plugin-service';
import type { FuzzTarget } from '../fuzz-target.js';
import { drive, fuzzManager, refusable, showAll } from '../fuzz-manager.js';
import { mutateText } from '../mutate.js';
import { Prng } from '../prng.js';
import { loadSeedUnits, unitDictionary, type SeedUnit } from '../seed-corpus.js';

/** One unit file, its drop-ins, and the seed of the random run that follows its load. */
export interface UnitFileInput {
  name: string;
  text: string;
  dropIns: string[];
  drive: number;
  /**
   * Loads from this unit directory, through the on-disk loader, instead of from memory: the unit
   * and its drop-ins in every prefix directory ("a-.service.d", "a-b-.service.d", …). A missing
   * directory is made for the run and removed after.
   */
  treeDir?: string;
}

let seeds: SeedUnit[] | undefined;
let dictionary: string[] = [];

function corpus(): SeedUnit[] {
  if (!seeds) {
    seeds = loadSeedUnits({ machine: process.env.UNITKIT_FUZZ_MACHINE_UNITS !== '0' });
    dictionary = unitDictionary(seeds);
  }
  return seeds;
}

const instances = ['a', 'a-b', 'x\\x2dy', '-', 'very-long-'.repeat(20), '%i', 'é', '..'];

function unitName(rng: Prng, seed: SeedUnit): string {
  const name = rng.chance(0.8) ? seed.name : rng.pick(['fuzz.service', 'fuzz.socket', 'fuzz.target', 'fuzz@.service']);
  return name.includes('@.') ? name.replace('@.', `@${rng.pick(instances)}.`) : name;
}

/** A drop-in made of a section header and lines of another seed, mutated. */
function dropIn(rng: Prng, seeds: SeedUnit[]): string {
  const other = rng.pick(seeds).text.split('\n');
  const start = rng.int(other.length);
  const lines = other.slice(start, start + rng.range(1, 6));
  const header = rng.pick(['[Unit]', '[Service]', '[Socket]', '[Install]', '']);
  return mutateText(rng, `${header}\n${lines.join('\n')}\n`, dictionary, 2);
}

/** Writes `name` and a drop-in in each of its prefix directories ("a-.service.d", "a-b-.service.d", …). */
function writeTree(dir: string, input: UnitFileInput): void {
  fs.writeFileSync(path.join(dir, input.name), input.text);
  const suffix = input.name.slice(input.name.lastIndexOf('.'));
  const parts = input.name.slice(0, -suffix.length).split('-');
  for (let i = 1; i <= parts.length; i++) {
    const d = path.join(dir, i === parts.length ? `${input.name}.d` : `${parts.slice(0, i).join('-')}-${suffix}.d`);
    fs.mkdirSync(d, { recursive: true });
    input.dropIns.forEach((text, j) => fs.writeFileSync(path.join(d, `${String(j).padStart(4, '0')}.conf`), text));
  }
}

/** The target. */
export const unitFileTarget: FuzzTarget<UnitFileInput> = {
  name: 'unit-file',
  description: 'unit files and drop-ins loaded, shown, started, driven, reloaded and stopped by a manager with every plugin',
  generate(rng) {
    const all = corpus();
    const seed = rng.pick(all);
    const text = rng.chance(0.9) ? mutateText(rng, seed.text, dictionary, 6) : seed.text;
    const dropIns = rng.chance(0.3) ? Array.from({ length: rng.range(1, 3) }, () => dropIn(rng, all)) : [];
    return { name: unitName(rng, seed), text, dropIns, drive: rng.int(2 ** 31) };
  },
  run(input) {
    if (input.treeDir !== undefined) return loadTree(input);
    const rng = new Prng(input.drive);
    const t = fuzzManager();
    t.units.file(input.name, input.text, input.dropIns);
    const u = refusable(() => t.unit(input.name));
    if (!u) return;
    showAll(t, u);
    refusable(() => t.manager.addJob('start', u, 'replace'));
    drive(t, rng, 40);
    showAll(t, u);
    if (rng.chance(0.3)) {
      t.units.file(input.name, input.text, [...input.dropIns, '[Unit]\nDescription=reloaded\n']);
      t.manager.reload();
      drive(t, rng, 10);
    }
    refusable(() => t.manager.addJob(rng.pick(['stop', 'restart', 'reload'] as const), u, 'replace'));
    drive(t, rng, 40);
    showAll(t, u);
  },
  pathological: [
    {
      name: 'continuation lines',
      sizes: [2000, 4000, 8000, 16000],
      make: (n) => ({ name: 'p.service', text: `[Service]\nExecStart=/bin/true \\\n${'  arg \\\n'.repeat(n)}  end\n`, dropIns: [], drive: 1 }),
    },
    {
      name: 'one long line',
      sizes: [50000, 100000, 200000, 400000],
      make: (n) => ({ name: 'p.service', text: `[Unit]\nDescription=${'x'.repeat(n)}\n[Service]\nExecStart=/bin/true\n`, dropIns: [], drive: 1 }),
    },
    {
      name: 'repeated key (Environment=)',
      sizes: [1000, 2000, 4000, 8000],
      make: (n) => ({ name: 'p.service', text: `[Service]\nExecStart=/bin/true\n${Array.from({ length: n }, (_, i) => `Environment=K${i}=v`).join('\n')}\n`, dropIns: [], drive: 1 }),
    },
    {
      name: 'repeated key (After= same unit)',
      sizes: [1000, 2000, 4000, 8000],
      make: (n) => ({ name: 'p.service', text: `[Unit]\n${'After=q.service\n'.repeat(n)}[Service]\nExecStart=/bin/true\n`, dropIns: [], drive: 1 }),
    },
    {
      name: 'repeated key (ExecStartPre=)',
      sizes: [500, 1000, 2000, 4000],
      make: (n) => ({ name: 'p.service', text: `[Service]\nExecStart=/bin/true\n${'ExecStartPre=/bin/true a b c\n'.repeat(n)}`, dropIns: [], drive: 1 }),
    },
    {
      name: 'drop-ins',
      sizes: [250, 500, 1000, 2000],
      make: (n) => ({ name: 'p.service', text: '[Service]\nExecStart=/bin/true\n', dropIns: Array.from({ length: n }, (_, i) => `[Service]\nEnvironment=D${i}=1\n`), drive: 1 }),
    },
    {
      name: 'drop-in tree depth (on disk, 4 files per level)',
      sizes: [8, 16, 32, 64],
      make: (n) => {
        const input: UnitFileInput = {
          name: `${Array.from({ length: n }, (_, i) => `d${i}`).join('-')}.service`,
          text: '[Service]\nExecStart=/bin/true\n',
          dropIns: ['[Unit]\nDescription=a\n', '[Service]\nEnvironment=A=1\n', '[Unit]\nAfter=x.service\n', '[Service]\nExecStartPre=/bin/true\n'],
          drive: 1,
          treeDir: fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-fuzz-tree-')),
        };
        writeTree(input.treeDir!, input);
        return input;
      },
      cleanup: (input) => fs.rmSync(input.treeDir!, { recursive: true, force: true }),
    },
  ],
};

/** Loads an input from its unit directory with the drop-in tree, through the on-disk loader. */
function loadTree(input: UnitFileInput): void {
  const dir = input.treeDir!;
  const made = !fs.existsSync(dir);
  if (made) {
    fs.mkdirSync(dir, { recursive: true });
    writeTree(dir, input);
  }
  try {
    new UnitFileLoader({ searchPath: [dir], tables: [unitSectionTable, installSectionTable, serviceSectionTable()], scope: 'user' }).load(input.name);
  } finally {
    if (made) fs.rmSync(dir, { recursive: true, force: true });
  }
}
