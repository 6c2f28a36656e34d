import { expect } from 'chai';
import { escapeAddressValue, parseDbusAddress, sessionBusAddress, systemBusAddress, unixSocketPath } from './address.js';
import { matchRule } from './bus-client.js';

describe('addresses', () => {
  it('parses address lists with escapes and finds the unix socket', () => {
    expect(parseDbusAddress('unix:path=/run/a%20b,guid=0123;tcp:host=x,port=1')).to.deep.equal([
      { transport: 'unix', params: { path: '/run/a b', guid: '0123' } },
      { transport: 'tcp', params: { host: 'x', port: '1' } },
    ]);
    expect(unixSocketPath('tcp:host=x;unix:abstract=foo')).to.equal('@foo');
    expect(unixSocketPath('unix:path=/run/user/1000/bus')).to.equal('/run/user/1000/bus');
    expect(() => unixSocketPath('tcp:host=x')).to.throw(/no unix:path=/);
    for (const bad of ['', 'nocolon', 'unix:path', 'unix:path=a,path=b', 'unix:path=a b']) expect(() => parseDbusAddress(bad), bad).to.throw();
    expect(escapeAddressValue('/run/a b,ü')).to.equal('/run/a%20b%2c%c3%bc');
  });

  it('finds the session and system bus from the environment', () => {
    expect(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' })).to.equal('unix:path=/x');
    expect(sessionBusAddress({ XDG_RUNTIME_DIR: '/run/user/7' })).to.equal('unix:path=/run/user/7/bus');
    expect(() => sessionBusAddress({})).to.throw(/no session bus/);
    expect(systemBusAddress({})).to.equal('unix:path=/run/dbus/system_bus_socket');
  });

  it('writes match rules', () => {
    expect(matchRule({ interface: 'a.b', member: "it's" })).to.equal("type='signal',interface='a.b',member='it'\\''s'");
  });
});
