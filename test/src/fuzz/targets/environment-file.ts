/**
 * EnvironmentFile= text through parseEnvironmentFileText(): it never throws, whatever the bytes,
 * and every entry it returns has a valid name.
 */
import { parseEnvironmentFileText } from '@unitkit/unit-file';
import { FuzzFailure, type FuzzTarget } from '../fuzz-target.js';
import { mutateText } from '../mutate.js';

const seeds = [
  'FOO=bar\nBAZ="quoted value"\nQUX=\'single\'\n',
  '# comment\n; other\nA=1\\\n2\nexport B=3\n  C = spaced  \n',
  'D="esc \\" \\\\ \\` \\$ \\n"\nE=a\\ b\\\\c\nF="multi\nline"\n',
  'G=\'unterminated\nH="also\n',
  'PATH=/usr/bin:/bin\nLANG=C.UTF-8\nEMPTY=\n=novalue\n1BAD=x\nGOOD_1=y\r\nCR=z\r',
  '#continued comment \\\nNOT_A_KEY=1\nK=v # not a comment\n',
];

const dictionary = ['=', '"', "'", '\\', '\\\n', '#', ';', 'export ', 'KEY=', '\r\n', ' \t'];

/** The target. */
export const environmentFileTarget: FuzzTarget<{ text: string }> = {
  name: 'environment-file',
  description: 'EnvironmentFile= text parsed by parseEnvironmentFileText()',
  generate(rng) {
    const base = rng.chance(0.2) ? seeds.join('') : rng.pick(seeds);
    return { text: mutateText(rng, base, dictionary, 8) };
  },
  run({ text }) {
    for (const e of parseEnvironmentFileText(text, 'fuzz.env', [])) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name)) throw new FuzzFailure(`invalid variable name returned: ${JSON.stringify(e.name)}`);
    }
  },
  pathological: [
    { name: 'continuation lines in one value', sizes: [25000, 50000, 100000, 200000], make: (n) => ({ text: `A=${'x\\\n'.repeat(n)}end\n` }) },
    { name: 'repeated key', sizes: [25000, 50000, 100000, 200000], make: (n) => ({ text: 'A=value\n'.repeat(n) }) },
    { name: 'distinct keys', sizes: [25000, 50000, 100000, 200000], make: (n) => ({ text: Array.from({ length: n }, (_, i) => `K${i}=v${i}\n`).join('') }) },
    { name: 'one long quoted value', sizes: [250000, 500000, 1000000, 2000000], make: (n) => ({ text: `A="${'y'.repeat(n)}"\n` }) },
    { name: 'trailing whitespace runs', sizes: [25000, 50000, 100000, 200000], make: (n) => ({ text: `A=${'a '.repeat(n)}\n` }) },
  ],
};
