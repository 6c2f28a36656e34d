import { expect } from 'chai';
import { lexUnitText, LONG_LINE_MAX } from './unit-text-lexer.js';

// The example of systemd.syntax(7), and the rules of config_parse().
describe('lexUnitText', () => {
  const pairs = (text: string) => lexUnitText(text, 'f').assignments.map((a) => [a.section, a.key, a.value]);

  it('reads the systemd.syntax(7) example', () => {
    const text = [
      '[Section A]', 'KeyOne=value 1', 'KeyTwo=value 2', '', '# a comment', '', '[Section B]',
      'Setting="something" "some thing" "…"', 'KeyTwo=value 2 \\', '       value 2 continued', '', '[Section C]',
      'KeyThree=value 3\\', '# this line is ignored', '; this line is ignored too', '       value 3 continued', '',
    ].join('\n');
    expect(pairs(text)).to.deep.equal([
      ['Section A', 'KeyOne', 'value 1'],
      ['Section A', 'KeyTwo', 'value 2'],
      ['Section B', 'Setting', '"something" "some thing" "…"'],
      ['Section B', 'KeyTwo', 'value 2         value 2 continued'],
      ['Section C', 'KeyThree', 'value 3        value 3 continued'],
    ]);
  });
  it('reports the last line of a continuation', () => {
    const r = lexUnitText('[A]\nK=a\\\nb\nL=c\n', 'f');
    expect(r.assignments.map((a) => a.line)).to.deep.equal([3, 4]);
  });
  it('strips whitespace around "=" and keeps inner "="', () => expect(pairs('[A]\n  K  =  a=b  \n')).to.deep.equal([['A', 'K', 'a=b']]));
  it('treats # and ; as comments only at the start of a line', () => {
    expect(pairs('[A]\n  # c\n;c\nK=a # not a comment\n')).to.deep.equal([['A', 'K', 'a # not a comment']]);
  });
  it('keeps repeated keys in order and empty values', () => expect(pairs('[A]\nK=1\nK=\nK=2\n')).to.deep.equal([['A', 'K', '1'], ['A', 'K', ''], ['A', 'K', '2']]));
  it('does not continue after an escaped backslash', () => expect(pairs('[A]\nK=a\\\\\nL=b\n')).to.deep.equal([['A', 'K', 'a\\\\'], ['A', 'L', 'b']]));
  it('handles CRLF and a BOM', () => expect(pairs('\uFEFF[A]\r\nK=v\r\n')).to.deep.equal([['A', 'K', 'v']]));
  it('warns about assignments outside a section, a missing "=" and a missing key', () => {
    const r = lexUnitText('K=v\n[A]\nnoequals\n=v\n', 'f');
    expect(r.diagnostics.map((d) => [d.line, d.message])).to.deep.equal([
      [1, 'Assignment outside of section. Ignoring.'],
      [3, "Missing '=', ignoring line."],
      [4, "Missing key name before '=', ignoring line."],
    ]);
    expect(r.fatal).to.equal(undefined);
  });
  it('refuses an invalid section header', () => {
    const r = lexUnitText('[Unit\nK=v\n', 'f');
    expect(r.fatal?.message).to.equal("Invalid section header '[Unit'");
    expect(lexUnitText('[Unit] # x\n', 'f').fatal).to.not.equal(undefined);
  });
  it('warns once for an unknown section and skips its lines silently; X- sections are silent', () => {
    const r = lexUnitText('[Foo]\nK=v\n[X-Bar]\nL=v\n[A]\nM=v\n', 'f', { isKnownSection: (s) => s === 'A' });
    expect(r.diagnostics.map((d) => d.message)).to.deep.equal(["Unknown section 'Foo'. Ignoring."]);
    expect(r.assignments.map((a) => a.key)).to.deep.equal(['M']);
  });
  it('enforces the line-length limit', () => {
    expect(lexUnitText('[A]\nK=' + 'x'.repeat(LONG_LINE_MAX) + '\n', 'f').fatal?.message).to.equal('Line too long');
  });
  it('joins a continuation of many lines, each backslash becoming a space (linear: bench/unit-file-parse.mjs)', () => {
    const text = `[A]\nK=x \\\n${'ab\\\n'.repeat(10000)}end\n`;
    expect(pairs(text)).to.deep.equal([['A', 'K', `x  ${'ab '.repeat(10000)}end`]]);
  });

  it('parses a continuation that runs into the end of the file', () => expect(pairs('[A]\nK=a\\')).to.deep.equal([['A', 'K', 'a']]));
});
