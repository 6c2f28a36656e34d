import { expect } from 'chai';
import { formatSocketAddress, ipv6Supported, parseSocketAddress } from './socket-address.js';

describe('parseSocketAddress', () => {
  const cases: [string, object][] = [
    ['/run/foo.sock', { family: 'unix', path: '/run/foo.sock' }],
    ['@foo/bar', { family: 'unix', path: 'foo/bar', abstract: true }],
    ['127.0.0.1:8080', { family: 'inet', host: '127.0.0.1', port: 8080 }],
    ['[::1]:8080', { family: 'inet6', host: '::1', port: 8080 }],
    ['[fe80::1]:80%lo', { family: 'inet6', host: 'fe80::1', port: 80, scope: 'lo' }],
    ['vsock:2:1234', { family: 'vsock', cid: 2, port: 1234 }],
  ];
  for (const [text, parsed] of cases) {
    it(`parses ${text} and prints it back`, () => {
      expect(parseSocketAddress(text)).to.deep.equal(parsed);
      expect(formatSocketAddress(parseSocketAddress(text))).to.equal(text);
    });
  }

  it('takes the zone inside the brackets too, printed after the port as systemd prints it', () => {
    expect(parseSocketAddress('[fe80::1%lo]:80')).to.deep.equal({ family: 'inet6', host: 'fe80::1', port: 80, scope: 'lo' });
    expect(formatSocketAddress(parseSocketAddress('[fe80::1%lo]:80'))).to.equal('[fe80::1]:80%lo');
  });

  it('binds a bare port on the IPv6 wildcard when IPv6 exists', () => {
    const a = parseSocketAddress('8080');
    expect(a).to.deep.equal(ipv6Supported() ? { family: 'inet6', port: 8080 } : { family: 'inet', port: 8080 });
    expect(formatSocketAddress(a)).to.equal(ipv6Supported() ? '[::]:8080' : '0.0.0.0:8080');
  });

  for (const bad of ['0', '65536', '1.2.3:80', '[::1]', 'foo', '@', '[zz::1]:80', '127.0.0.1:0', '127.0.0.1:80%lo']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => parseSocketAddress(bad)).to.throw(Error);
    });
  }
});
