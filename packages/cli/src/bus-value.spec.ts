import { expect } from 'chai';
import { prop, type PropertyValue } from '@unitkit/core';
import { busValueInList } from './bus-value.js';

/** The value of a property given by its entries alone. */
const busValue = (signature: string, entries: PropertyValue[]) => busValueInList(signature, entries.map((e): [string, PropertyValue] => ['', e]), 0, entries.length);

describe('busValue', () => {
  it('numbers: ints, spans and timestamps by signature; infinity and unset as the type\'s maximum', () => {
    // 64-bit values stay numbers while safe (no BigInt per value); the writer takes both.
    expect(busValue('t', [prop.usec(90_000_000)])).to.equal(90_000_000);
    expect(busValue('t', [prop.usec(2 ** 60)])).to.equal(2n ** 60n);
    expect(busValue('t', [prop.usec(Infinity)])).to.equal((1n << 64n) - 1n);
    expect(busValue('t', [prop.timestamp(0)])).to.equal(0);
    expect(busValue('u', [prop.int(7)])).to.equal(7);
    expect(busValue('u', [prop.raw('[not set]')])).to.equal(0xffffffff);
    expect(busValue('i', [prop.int(-1)])).to.equal(-1);
    expect(busValue('x', [prop.int(Infinity)])).to.equal((1n << 63n) - 1n);
    expect(busValue('t', [prop.raw('18446744073709551615')])).to.equal((1n << 64n) - 1n);
  });

  it('reads octal modes and booleans from their text', () => {
    expect(busValue('u', [prop.raw('0644')])).to.equal(0o644);
    expect(busValue('b', [prop.bool(true)])).to.equal(true);
    expect(busValue('b', [prop.string('no')])).to.equal(false);
  });

  it('strings and string arrays', () => {
    expect(busValue('s', [prop.string('x')])).to.equal('x');
    expect(busValue('s', [prop.usec(1_000_000)])).to.equal('1s');
    expect(busValue('as', [prop.strv(['a', 'b c'])])).to.deep.equal(['a', 'b c']);
    expect(busValue('as', [prop.string('')])).to.deep.equal([]);
  });

  it('structured values come from the definition: bus for the whole, busItem per entry', () => {
    expect(busValue('a(ss)', [prop.raw('/a (Stream)', { busItem: ['Stream', '/a'] }), prop.raw('/b (Datagram)', { busItem: ['Datagram', '/b'] })])).to.deep.equal([
      ['Stream', '/a'],
      ['Datagram', '/b'],
    ]);
    expect(busValue('as', [prop.raw('"Y=a b"', { bus: ['Y=a b'] })])).to.deep.equal(['Y=a b']);
  });

  it('without one, a structured type is sent empty, and a missing property as its empty value', () => {
    expect(busValue('a(sasbttttuii)', [prop.raw('{ … }')])).to.deep.equal([]);
    expect(busValue('(uo)', [])).to.deep.equal([0, '/']);
    expect(busValue('a{sv}', [])).to.be.instanceOf(Map);
    expect(busValue('ay', [])).to.deep.equal(Buffer.alloc(0));
  });
});
