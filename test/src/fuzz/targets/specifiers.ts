/**
 * Specifier expansion: expandSpecifiers() with the table of makeSpecifierTable() for random unit
 * names, on random text. Only ValueError (an unknown specifier) may come out.
 */
import { ValueError, expandSpecifiers, makeSpecifierTable, type SpecifierContext } from '@unitkit/unit-file';
import type { FuzzTarget } from '../fuzz-target.js';
import { mutateText } from '../mutate.js';

const context: SpecifierContext = {
  architecture: 'x86-64', bootId: '0123456789abcdef0123456789abcdef', hostname: 'host.example.com', machineId: 'fedcba9876543210fedcba9876543210',
  userName: 'user', uid: 1000, groupName: 'group', gid: 1000, home: '/home/user', shell: '/bin/sh', runtimeDir: '/run/user/1000',
  stateDir: '/home/user/.local/state', cacheDir: '/home/user/.cache', logsDir: '/home/user/.local/state/log', configDir: '/home/user/.config',
  tmpDir: '/tmp', varTmpDir: '/var/tmp',
};

const names = ['foo.service', 'foo@bar.service', 'a-b-c@x\\x2dy-z.socket', 'dev-sda1.device', '-.mount', 'foo@.service', '@x.service', 'foo@%%.service', 'a\\xff@\\x.target', 'x.y.z@a.b.c.service'];
const texts = ['%n %N %p %P %i %I %j %J %f', '%a %A %b %B %H %l %m %M %o %v %w %W', '%u %U %g %G %h %s %t %S %C %L %E %T %V %d', '100%% %', '%%%i%%', '/run/%i/%j.sock', '%'];

/** The target. */
export const specifiersTarget: FuzzTarget<{ unit: string; text: string }> = {
  name: 'specifiers',
  description: 'expandSpecifiers() with the table of makeSpecifierTable() for random unit names',
  generate(rng) {
    return {
      unit: rng.chance(0.7) ? rng.pick(names) : mutateText(rng, rng.pick(names), ['@', '-', '\\x', '%', '.'], 3),
      text: mutateText(rng, rng.pick(texts), ['%', '%%', '%i', '%I', '%f', '\\x2d'], 5),
    };
  },
  run({ unit, text }) {
    try {
      expandSpecifiers(text, makeSpecifierTable({ name: unit }, context));
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
    }
  },
  pathological: [
    { name: 'specifiers in one value', sizes: [25000, 50000, 100000, 200000], make: (n) => ({ unit: 'a-b@c-d.service', text: '%i%I%f'.repeat(n) }) },
    { name: 'literal %% runs', sizes: [50000, 100000, 200000, 400000], make: (n) => ({ unit: 'a.service', text: '%%'.repeat(n) }) },
    { name: 'escapes in the instance', sizes: [2000, 4000, 8000, 16000], make: (n) => ({ unit: `a@${'\\x2d'.repeat(n)}.service`, text: '%I %f %J' }) },
  ],
};
