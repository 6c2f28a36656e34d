import { expect } from 'chai';
import { KeyAllocator, dnsLabel, unitObjectName } from './kubernetes-names.js';

describe('Kubernetes names from unit names', () => {
  it('makes DNS-1035 labels', () => {
    expect(unitObjectName('greet@.service')).to.equal('greet');
    expect(unitObjectName('my_app.socket')).to.equal('my-app');
    expect(unitObjectName('foo\\x2dbar.service')).to.equal('foo-bar');
    expect(dnsLabel('9lives')).to.equal('u-9lives');
    expect(dnsLabel('a'.repeat(80))).to.have.length(63);
  });

  it('hands out unique ConfigMap keys', () => {
    const k = new KeyAllocator();
    expect(k.key('greet@.service')).to.equal('greet_.service');
    expect(k.key('greet_.service')).to.equal('greet_.service.2');
    expect(k.key('echo.service.d/override.conf')).to.equal('echo.service.d_override.conf');
    expect(k.key('/etc/default/web')).to.equal('etc_default_web');
  });
});
