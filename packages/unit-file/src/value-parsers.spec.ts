import { expect } from 'chai';
import { parseEnvironmentAssignments } from './environment.js';
import { parseEnvironmentFileText } from './environment-file.js';
import { parseExitStatus, parseExitStatusSet } from './exit-status.js';
import { parseBoolean } from './parse-boolean.js';
import { parseMode } from './parse-mode.js';
import { parseSize } from './parse-size.js';
import { parseSignal, signalName } from './signals.js';
import { formatSocketAddress, parseNetlinkAddress, parseSocketAddress } from './socket-address.js';
import { extractWords } from './extract-word.js';

describe('parseBoolean', () => {
  it('accepts systemd spellings', () => {
    for (const t of ['1', 'yes', 'Y', 'true', 't', 'ON']) expect(parseBoolean(t)).to.equal(true);
    for (const t of ['0', 'no', 'N', 'false', 'f', 'off']) expect(parseBoolean(t)).to.equal(false);
    expect(() => parseBoolean('maybe')).to.throw();
  });
});

describe('parseSize', () => {
  it('parses IEC sizes', () => {
    expect(parseSize('512')).to.equal(512);
    expect(parseSize('64K')).to.equal(65536);
    expect(parseSize('1.5G')).to.equal(1.5 * 2 ** 30);
    expect(parseSize('2M 512K')).to.equal(2 * 2 ** 20 + 512 * 1024);
    expect(parseSize('1K', 1000)).to.equal(1000);
    expect(parseSize('infinity', 1024, true)).to.equal(Infinity);
    for (const bad of ['', '-1', 'x', '1X', '1.5', 'infinity']) expect(() => parseSize(bad), bad).to.throw();
  });
});

describe('parseMode', () => {
  it('parses octal modes up to 07777', () => {
    expect(parseMode('0644')).to.equal(0o644);
    expect(parseMode('755')).to.equal(0o755);
    expect(() => parseMode('0888')).to.throw();
    expect(() => parseMode('17777')).to.throw();
  });
});

describe('parseSignal', () => {
  it('parses names and numbers', () => {
    expect(parseSignal('SIGTERM')).to.equal(15);
    expect(parseSignal('TERM')).to.equal(15);
    expect(parseSignal('9')).to.equal(9);
    expect(parseSignal('SIGRTMIN+2')).to.equal(36);
    expect(parseSignal('RTMAX-1')).to.equal(63);
    expect(signalName(36)).to.equal('SIGRTMIN+2');
    expect(signalName(1)).to.equal('SIGHUP');
    for (const bad of ['0', '65', 'SIGFOO', 'sigterm', 'RTMIN+31', '', 'toString', 'SIGconstructor']) expect(() => parseSignal(bad), bad).to.throw();
  });
});

describe('exit statuses', () => {
  it('parses numbers and names', () => {
    expect(parseExitStatus('0')).to.equal(0);
    expect(parseExitStatus('NOTINSTALLED')).to.equal(5);
    expect(parseExitStatus('EXEC')).to.equal(203);
    expect(parseExitStatus('DATAERR')).to.equal(65);
    expect(() => parseExitStatus('256')).to.throw();
  });
  it('splits a SuccessExitStatus= list into statuses and signals', () => {
    const warnings: string[] = [];
    expect(parseExitStatusSet('0 75 SIGKILL TERM NOTRUNNING bogus', (m) => warnings.push(m))).to.deep.equal({ statuses: [0, 75, 7], signals: [9, 15] });
    expect(warnings).to.have.length(1);
  });
});

describe('Environment=', () => {
  it('unquotes, unescapes and skips invalid assignments', () => {
    const warnings: string[] = [];
    const r = parseEnvironmentAssignments('A=1 "B=two words" C=\\x41 1D=bad E= =x F=a=b', undefined, (m) => warnings.push(m));
    expect(r).to.deep.equal(['A=1', 'B=two words', 'C=A', 'E=', 'F=a=b']);
    expect(warnings).to.have.length(2);
  });
  // As systemd 252 answers for Environment=A=1 "B=2 and for "A=1 2" B=\x41 C=a\\b D=\q.
  it('keeps the words before a syntax error', () => {
    expect(parseEnvironmentAssignments('A=1 "B=2')).to.deep.equal(['A=1']);
    expect(parseEnvironmentAssignments('"A=1 2" B=\\x41 C=a\\\\b D=\\q')).to.deep.equal(['A=1 2', 'B=A', 'C=a\\b']);
  });
  it('expands specifiers per word', () => expect(parseEnvironmentAssignments('"N=%n x"', (s) => s.replace('%n', 'u.service'))).to.deep.equal(['N=u.service x']));
});

describe('EnvironmentFile= text', () => {
  it('reads comments, quotes, escapes and continuations', () => {
    const text = [
      '# comment', '; comment too', 'A=1', '  B = spaced value  ', "C='single $x \\n'", 'D="double \\"q\\" \\$ \\n"',
      'E=cont\\', 'inued', 'F="multi', 'line"', '# continued comment \\', 'G=not-a-var', 'H=', 'bad line', 'I=a\\ b', 'A=override',
    ].join('\n');
    const r = parseEnvironmentFileText(text).map((e) => [e.name, e.value]);
    expect(r).to.deep.equal([
      ['A', '1'], ['B', 'spaced value'], ['C', 'single $x \\n'], ['D', 'double "q" $ \\n'], ['E', 'continued'],
      ['F', 'multi\nline'], ['H', ''], ['I', 'a b'], ['A', 'override'],
    ]);
  });

  it('copies long runs whole and keeps line numbers across quoted newlines and comments', () => {
    // The parser appends runs of plain characters as slices (a multi-megabyte value was superlinear
    // character by character); the result must be what the character-wise state machine gives.
    const big = 'v'.repeat(1 << 20);
    const text = `# long ${'c'.repeat(5000)}\nA='${big}'\nB="x\ny \\" z"\n C = ${big}  \t \n  D=a\\\nb\n#x\\\nE=1\nF=2`;
    const r = parseEnvironmentFileText(text);
    expect(r.map((e) => [e.name, e.value.length > 100 ? `${e.value.length} chars` : e.value, e.line])).to.deep.equal([
      ['A', `${1 << 20} chars`, 2], ['B', 'x\ny " z', 3], ['C', `${1 << 20} chars`, 5], ['D', 'ab', 6], ['F', '2', 10],
    ]);
    expect(r[0]!.value).to.equal(big);
    expect(r[2]!.value).to.equal(big);
  });
});

describe('socket addresses', () => {
  it('parses every form of systemd.socket(5)', () => {
    expect(parseSocketAddress('/run/foo.sock')).to.deep.equal({ family: 'unix', path: '/run/foo.sock', abstract: false });
    expect(parseSocketAddress('@abs')).to.deep.equal({ family: 'unix', path: 'abs', abstract: true });
    expect(parseSocketAddress('80')).to.deep.equal({ family: 'inet6', address: '::', port: 80, portOnly: true });
    expect(parseSocketAddress('127.0.0.1:8080')).to.deep.equal({ family: 'inet', address: '127.0.0.1', port: 8080 });
    expect(parseSocketAddress('[::1]:53')).to.deep.equal({ family: 'inet6', address: '::1', port: 53 });
    expect(parseSocketAddress('[fe80::1]:53%eth0')).to.deep.equal({ family: 'inet6', address: 'fe80::1', port: 53, interface: 'eth0' });
    expect(parseSocketAddress('vsock:2:1234')).to.deep.equal({ family: 'vsock', cid: 2, port: 1234 });
    expect(parseSocketAddress('vsock::1234')).to.deep.equal({ family: 'vsock', port: 1234 });
    for (const bad of ['0', '65536', 'foo', '1.2.3:80', '[::1]', '::1:80', '/' + 'x'.repeat(108), 'vsock:x:1', 'localhost:80']) {
      expect(() => parseSocketAddress(bad), bad).to.throw();
    }
  });
  it('prints addresses like systemctl', () => {
    expect(formatSocketAddress(parseSocketAddress('80'))).to.equal('[::]:80');
    expect(formatSocketAddress(parseSocketAddress('@abs'))).to.equal('@abs');
  });
  it('parses netlink addresses', () => expect(parseNetlinkAddress('kobject-uevent 1')).to.deep.equal({ family: 'kobject-uevent', group: 1 }));
});

describe('extractWords', () => {
  it('follows extract_first_word()', () => {
    expect(extractWords('  a  "b c"d \'e\'  ', undefined, { unquote: true })).to.deep.equal(['a', 'b cd', 'e']);
    expect(extractWords('a\\ b c', undefined, {})).to.deep.equal(['a b', 'c']);
    expect(extractWords('a\\x b', undefined, { retainEscape: true })).to.deep.equal(['a\\x', 'b']);
    expect(() => extractWords('"a', undefined, { unquote: true })).to.throw();
    expect(() => extractWords('\\q', undefined, { cunescape: true })).to.throw();
  });
});
