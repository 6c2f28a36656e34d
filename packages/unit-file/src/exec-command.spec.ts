import { expect } from 'chai';
import { expandExecEnvironment, parseExecLine } from './exec-command.js';
import { ValueError } from './value-error.js';

// Golden cases after systemd's src/test/test-load-fragment.c (test_config_parse_exec).
describe('parseExecLine', () => {
  const one = (line: string) => {
    const c = parseExecLine(line);
    expect(c).to.have.length(1);
    return c[0]!;
  };
  // systemd 252 (checked against it) fails the unit for every bad command, "-" or not.
  const fails = (line: string, _fatal: boolean) => {
    try {
      parseExecLine(line);
    } catch (e) {
      expect(e).to.be.instanceOf(ValueError);
      expect((e as ValueError).fatal).to.equal(undefined);
      return;
    }
    expect.fail(`'${line}' was accepted`);
  };

  it('parses a basic command', () => {
    const c = one('/RValue r1');
    expect(c.path).to.equal('/RValue');
    expect(c.argv).to.deep.equal(['/RValue', 'r1']);
    expect(c.flags.ignoreFailure).to.equal(false);
  });
  it('simplifies the path but keeps argv[0] as written', () => {
    const c = one('/RValue///slashes r1///');
    expect(c.path).to.equal('/RValue/slashes');
    expect(c.argv).to.deep.equal(['/RValue///slashes', 'r1///']);
  });
  it('takes argv[0] from the second word with @', () => {
    const c = one('@/RValue///slashes2 ///argv0 r1');
    expect(c.path).to.equal('/RValue/slashes2');
    expect(c.argv).to.deep.equal(['///argv0', 'r1']);
    expect(c.flags.argv0).to.equal(true);
  });
  it('accepts -@ and @- in either order', () => {
    for (const l of ['-@/RValue argv0 r1', '@-/RValue argv0 r1']) {
      const c = one(l);
      expect(c.flags.ignoreFailure && c.flags.argv0).to.equal(true);
      expect(c.argv).to.deep.equal(['argv0', 'r1']);
    }
  });
  it('refuses a doubled prefix', () => fails('--/RValue argv0 r1', true));
  it('parses + ! !! and :', () => {
    expect(one('+/bin/x').flags.fullPrivileges).to.equal(true);
    expect(one('!/bin/x').flags.noSetuid).to.equal(true);
    const a = one('!!/bin/x').flags;
    expect(a.ambient && !a.noSetuid).to.equal(true);
    expect(one(':/bin/x').flags.noEnvExpand).to.equal(true);
    const all = one('-:@+/bin/x y').flags;
    expect(all.ignoreFailure && all.noEnvExpand && all.argv0 && all.fullPrivileges).to.equal(true);
  });
  it('refuses + together with !', () => fails('+!/bin/x', true));
  it('splits commands at a lone ";"', () => {
    const c = parseExecLine('/bin/a 1 ; /bin/b 2;3 ;');
    expect(c.map((x) => x.argv)).to.deep.equal([['/bin/a', '1'], ['/bin/b', '2;3']]);
  });
  it('treats "\\;" as a literal semicolon argument', () => {
    expect(one('/bin/find \\;').argv).to.deep.equal(['/bin/find', ';']);
    expect(one('/sbin/find \\; /x').argv).to.deep.equal(['/sbin/find', ';', '/x']);
  });
  it('keeps an unknown escape in "\\;x" verbatim (with a warning)', () => {
    const warnings: string[] = [];
    expect(parseExecLine('/sbin/find \\;x', undefined, (m) => warnings.push(m))[0]!.argv).to.deep.equal(['/sbin/find', '\\;x']);
    expect(warnings).to.have.length(1);
  });
  it('does not treat a quoted ";" as a separator', () => {
    expect(one('/bin/echo ";" x').argv).to.deep.equal(['/bin/echo', ';', 'x']);
  });
  it('unquotes and decodes C escapes', () => {
    expect(one('/bin/echo "a b" \'c d\' e\\tf \\x41 x"y z"').argv).to.deep.equal(['/bin/echo', 'a b', 'c d', 'e\tf', 'A', 'xy z']);
  });
  it('accepts a bare executable name', () => expect(one('true x').path).to.equal('true'));
  it('refuses a relative path with a slash', () => fails('bin/true', true));
  it('refuses a directory', () => fails('/usr/bin/', true));
  it('refuses an empty path after prefixes', () => { fails('-', true); fails('@', true); });
  it('refuses @ without argv[0]', () => fails('@/bin/true', true));
  it('refuses unbalanced quoting', () => fails('/bin/echo "x', true));
  it('expands specifiers word by word', () => {
    const c = parseExecLine('/bin/echo %n "%i x"', (s) => s.replace('%n', 'a.service').replace('%i', 'I J'));
    expect(c[0]!.argv).to.deep.equal(['/bin/echo', 'a.service', 'I J x']);
  });
  it('leaves $VAR for spawn time', () => expect(one('/bin/echo $FOO ${BAR}').argv).to.deep.equal(['/bin/echo', '$FOO', '${BAR}']));
});

describe('expandExecEnvironment', () => {
  const env = { FOO: 'a b  c', BAR: 'x y', Q: '"p q" r' };
  it('splits a lone $VAR into words and drops it when unset', () => {
    expect(expandExecEnvironment(['/bin/e', '$FOO', '$NOPE', 'k'], env)).to.deep.equal(['/bin/e', 'a', 'b', 'c', 'k']);
  });
  it('substitutes ${VAR} inside a word without splitting', () => {
    expect(expandExecEnvironment(['pre${BAR}post', '${NOPE}'], env)).to.deep.equal(['prex ypost', '']);
  });
  it('unquotes the value of a lone $VAR', () => expect(expandExecEnvironment(['$Q'], env)).to.deep.equal(['p q', 'r']));
  it('turns $$ into $', () => expect(expandExecEnvironment(['$$FOO', 'a$$b'], env)).to.deep.equal(['$FOO', 'a$b']));
});
