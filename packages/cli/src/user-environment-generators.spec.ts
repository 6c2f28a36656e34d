import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findEnvironmentGenerators, parseGeneratorOutput, runEnvironmentGenerators } from './user-environment-generators.js';
import { defaultPath, managerEnvironment } from './manager-environment.js';

describe('user environment generators and the user manager environment', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-envgen-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const script = (dir: string, name: string, body: string) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  };

  it('runs the generators by name, an earlier directory masking a later one, each seeing what the previous printed', () => {
    const etc = path.join(tmp, 'etc');
    const lib = path.join(tmp, 'lib');
    script(lib, '10-first', 'echo A=1; echo "# comment"; echo B="quoted value"');
    script(lib, '20-second', 'echo C=$A-seen');
    script(etc, '20-second', 'echo C=etc-$A');
    script(lib, '30-fails', 'exit 3');
    fs.symlinkSync('/dev/null', path.join(etc, '40-masked'));
    script(lib, '40-masked', 'echo MASKED=1');
    const gens = findEnvironmentGenerators([etc, lib]);
    expect(gens.map((g) => path.relative(tmp, g))).to.deep.equal(['lib/10-first', 'etc/20-second', 'lib/30-fails']);
    const warnings: string[] = [];
    const env = runEnvironmentGenerators({ KEEP: 'k' }, gens, (m) => warnings.push(m));
    expect(env).to.deep.equal({ KEEP: 'k', A: '1', B: 'quoted value', C: 'etc-1' });
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/30-fails failed with exit status 3/);
  });

  it('parses NAME=value lines only', () => {
    expect(parseGeneratorOutput('X=1\n bad line\n1X=2\n;c\nY = 2\n')).to.deep.equal([['X', '1'], ['Y', '2']]);
  });

  it('a user manager replaces PATH with the default whatever it was started with, as systemd --user', () => {
    expect(managerEnvironment('user', { PATH: '/opt/weird', HOME: '/h' }).PATH).to.equal(defaultPath);
    expect(managerEnvironment('system', { PATH: '/opt/weird', HOME: '/h' })).to.deep.equal({ PATH: defaultPath });
  });
});
