import { expect } from 'chai';
import { DbusProtocolError } from './errors.js';
import { alignmentOf, formatType, isValidSignature, parseSignature, parseSingleType } from './signature.js';
import { isValidBusName, isValidErrorName, isValidInterfaceName, isValidMemberName, isValidObjectPath } from './names.js';

describe('signatures', () => {
  it('parses every type code and container into a tree and prints it back', () => {
    for (const sig of ['', 'y', 'bnqiuxtdhsogv', 'ai', 'aai', '(i)', '(ia(sv))', 'a{sv}', 'a{oa{sa{sv}}}', 'a(yv)', 'aa{s(ii)}']) {
      expect(parseSignature(sig).map(formatType).join('')).to.equal(sig);
    }
    expect(parseSingleType('a{sv}')).to.deep.equal({ code: 'a', element: { code: '{', key: { code: 's' }, value: { code: 'v' } } });
    expect(alignmentOf(parseSingleType('(y)'))).to.equal(8);
    expect(alignmentOf(parseSingleType('q'))).to.equal(2);
    expect(alignmentOf(parseSingleType('g'))).to.equal(1);
  });

  it('refuses invalid signatures with the reason', () => {
    const bad: [string, RegExp][] = [
      ['a', /ends inside/],
      ['(', /unclosed struct|ends inside/],
      ['()', /empty struct/],
      ['(i', /unclosed/],
      ['i)', /invalid type code/],
      ['{sv}', /outside an array/],
      ['a{vs}', /not a basic type/],
      ['a{(i)s}', /not a basic type/],
      ['a{sss}', /exactly two/],
      ['a{s}', /exactly two|invalid type code/],
      ['z', /invalid type code/],
      ['a'.repeat(33) + 'i', /arrays deeper than 32/],
      ['('.repeat(33) + 'i' + ')'.repeat(33), /structs deeper than 32/],
      ['i'.repeat(256), /longer than 255/],
    ];
    for (const [sig, reason] of bad) {
      expect(() => parseSignature(sig), sig).to.throw(DbusProtocolError, reason);
      expect(isValidSignature(sig)).to.equal(false);
    }
    expect(isValidSignature('a'.repeat(32) + 'i')).to.equal(true);
    expect(isValidSignature('('.repeat(32) + 'i' + ')'.repeat(32))).to.equal(true);
    expect(isValidSignature('i'.repeat(255))).to.equal(true);
    expect(() => parseSingleType('ii')).to.throw(DbusProtocolError, /single complete type/);
  });
});

describe('names', () => {
  it('validates object paths', () => {
    for (const p of ['/', '/a', '/org/freedesktop/systemd1', '/a_b/C9']) expect(isValidObjectPath(p), p).to.equal(true);
    for (const p of ['', 'a', '//', '/a/', '/a//b', '/a-b', '/a.b', '/ä']) expect(isValidObjectPath(p), p).to.equal(false);
  });

  it('validates interface, error, member and bus names', () => {
    expect(isValidInterfaceName('org.freedesktop.DBus')).to.equal(true);
    expect(isValidInterfaceName('org')).to.equal(false);
    expect(isValidInterfaceName('org.9a')).to.equal(false);
    expect(isValidInterfaceName('org..a')).to.equal(false);
    expect(isValidInterfaceName('a.' + 'b'.repeat(254))).to.equal(false);
    expect(isValidErrorName('org.freedesktop.DBus.Error.Failed')).to.equal(true);
    expect(isValidMemberName('GetUnit')).to.equal(true);
    for (const m of ['', '9a', 'a.b', 'a-b']) expect(isValidMemberName(m), m).to.equal(false);
    for (const n of [':1.42', 'org.freedesktop.systemd1', 'a-b.c_d', ':a.1-2']) expect(isValidBusName(n), n).to.equal(true);
    for (const n of ['', 'org', ':1', 'org.9a', 'org..a', ':1..2']) expect(isValidBusName(n), n).to.equal(false);
  });
});
