import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fnmatch } from './fnmatch.js';

describe('fnmatch', () => {
  it('matches *, ?, bracket expressions, classes and escapes', () => {
    expect(fnmatch('*.service', 'foo.service')).to.equal(true);
    expect(fnmatch('foo?.socket', 'foo1.socket')).to.equal(true);
    expect(fnmatch('[!a-c]x', 'dx')).to.equal(true);
    expect(fnmatch('[!a-c]x', 'bx')).to.equal(false);
    expect(fnmatch('[[:digit:]]*', '7up')).to.equal(true);
    expect(fnmatch('\\*', '*')).to.equal(true);
    expect(fnmatch('\\*', 'a')).to.equal(false);
    expect(fnmatch('HOST*', 'hostname', { caseFold: true })).to.equal(true);
    expect(fnmatch('*', '.hidden', { period: true })).to.equal(false);
  });

  it('never throws: a reversed range or an unclosed bracket matches as glibc does', () => {
    expect(fnmatch('[z-a]', 'b')).to.equal(false);
    expect(fnmatch('/tmp/[z-a]*', '/tmp/x')).to.equal(false);
    expect(fnmatch('[abc', '[abc')).to.equal(true);
    expect(fnmatch('[[:nope:]]', 'a')).to.equal(false);
  });

  it('agrees with glibc fnmatch(3) on 20,000 generated pattern/text pairs', function () {
    this.timeout(20000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fnmatch-'));
    const bin = path.join(dir, 'fnmatch');
    const src = `#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
int main(void) { char p[4096], t[4096];
  while (fgets(p, sizeof p, stdin) && fgets(t, sizeof t, stdin)) { p[strcspn(p, "\\n")] = 0; t[strcspn(t, "\\n")] = 0;
    printf("%d %d %d\\n", fnmatch(p, t, 0) == 0, fnmatch(p, t, FNM_CASEFOLD) == 0, fnmatch(p, t, FNM_PERIOD | FNM_NOESCAPE) == 0); } }`;
    fs.writeFileSync(`${bin}.c`, src);
    try {
      execFileSync('cc', ['-o', bin, `${bin}.c`], { stdio: 'pipe' });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      console.log(`      skipped: no C compiler to build the glibc oracle: ${String(e).split('\n')[0]}`);
      return this.skip();
    }
    const atoms = ['a', 'b', 'Z', 'z', '.', '*', '?', '[', ']', '!', '^', '-', '\\', 'x', ':', '[:alpha:]', '[:digit:]', '[:foo:]', '[!a]', '[a-c]', '[z-a]'];
    const letters = ['a', 'b', 'z', 'Z', '.', '[', ']', '-', 'x', '1', '*', '\\'];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const cases: Array<[string, string]> = [];
    for (let i = 0; i < 20000; i++) {
      let p = '';
      for (let j = rnd(7); j > 0; j--) p += atoms[rnd(atoms.length)];
      let t = '';
      for (let j = rnd(6); j > 0; j--) t += letters[rnd(letters.length)];
      cases.push([p, t]);
    }
    const glibc = execFileSync(bin, { input: cases.map(([p, t]) => `${p}\n${t}\n`).join(''), encoding: 'utf8' }).trim().split('\n');
    fs.rmSync(dir, { recursive: true, force: true });
    const differ = cases.filter(([p, t], i) => [fnmatch(p, t), fnmatch(p, t, { caseFold: true }), fnmatch(p, t, { period: true, noEscape: true })].map(Number).join(' ') !== glibc[i]);
    expect(differ.slice(0, 5)).to.deep.equal([]);
  });
});
