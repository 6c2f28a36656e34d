/**
 * The README's code examples compile (they are files of this package, built by tsc) and run as
 * written; this checks that the README still prints them word for word.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

/** The part of a source file between `// README:begin` and `// README:end`. */
function excerpt(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const m = /\/\/ README:begin\n([\s\S]*?)\/\/ README:end\n/.exec(text);
  if (!m) throw new Error(`${file} has no README:begin/end markers`);
  return m[1]!;
}

describe('README examples', function () {
  this.timeout(20000);

  it('"Composing a manager" is test/src/readme/compose-a-manager.ts word for word, and it runs', () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const source = excerpt(path.join(repo, 'test/src/readme/compose-a-manager.ts'));
    expect(readme).to.include('```ts\n' + source + '```');
    const out = execFileSync(process.execPath, [path.join(here, 'compose-a-manager.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // hello.service's echo shares the manager's stdout; the job result is the last line.
    expect(out).to.equal('hello\ndone\n');
  });

  it('"Adding a unit type" is test/src/readme/add-a-unit-type.ts word for word, and its widget starts', () => {
    const readme = fs.readFileSync(path.join(repo, 'README.md'), 'utf8');
    const source = excerpt(path.join(repo, 'test/src/readme/add-a-unit-type.ts'));
    expect(readme).to.include('```ts\n' + source + '```');
    const out = execFileSync(process.execPath, [path.join(here, 'add-a-unit-type.js')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).to.equal('done active\n');
  });
});
