import { expect } from 'chai';
import { isIP } from 'node:net';
import { ipVersion, isIPv4Address, isIPv6Address } from './ip-address.js';

describe('ipVersion', () => {
  const cases = [
    '127.0.0.1', '0.0.0.0', '255.255.255.255', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.04', ' 1.2.3.4', '1.2.3.4 ',
    '::', '::1', 'fe80::1', 'FE80::ABCD', '2001:db8::8a2e:370:7334', '2001:0db8:0000:0000:0000:ff00:0042:8329', '::ffff:192.0.2.1',
    '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::1', 'g::1', '::1]', '[::1]', '::1/64', '::1%eth0', ':1', '1:',
    '::ffff:256.0.0.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', 'localhost', '', '1', 'example.com', '::1@x',
  ];
  it("answers as node:net's isIP for addresses without a zone", () => {
    for (const c of cases) expect(ipVersion(c), JSON.stringify(c)).to.equal(c.includes('%') ? 0 : isIP(c));
  });

  it('splits the two families', () => {
    expect(isIPv4Address('10.0.0.1')).to.equal(true);
    expect(isIPv4Address('::1')).to.equal(false);
    expect(isIPv6Address('::1')).to.equal(true);
    expect(isIPv6Address('10.0.0.1')).to.equal(false);
  });
});
