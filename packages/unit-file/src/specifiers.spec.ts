import { expect } from 'chai';
import { expandSpecifiers, makeSpecifierTable } from './specifiers.js';

describe('specifiers', () => {
  const ctx = { hostname: 'host.example.com', machineId: 'm1', bootId: 'b1', userName: 'root', uid: 0, home: '/root', runtimeDir: '/run', kernelRelease: '6.1' };
  const x = (name: string, text: string) => expandSpecifiers(text, makeSpecifierTable({ name }, ctx));

  it('expands the name specifiers of an instance', () => {
    const n = 'foo-bar@a\\x2db-c.service';
    expect(x(n, '%n|%N|%p|%P|%i|%I|%j|%J')).to.equal('foo-bar@a\\x2db-c.service|foo-bar@a\\x2db-c|foo-bar|foo/bar|a\\x2db-c|a-b/c|bar|bar');
  });
  it('expands %f from the instance as a path, else from the prefix', () => {
    expect(x('mnt@var-lib-x.service', '%f')).to.equal('/var/lib/x');
    expect(x('home-user.mount', '%f')).to.equal('/home/user');
  });
  // Both answered by systemd 252 (systemctl show -p Description).
  it('matches systemd for an escaped instance', () => {
    expect(x('sp-a-b@x\\x2dy-z.service', '%n|%N|%p|%P|%i|%I|%j|%J|%f')).to.equal('sp-a-b@x\\x2dy-z.service|sp-a-b@x\\x2dy-z|sp-a-b|sp/a/b|x\\x2dy-z|x-y/z|b|b|/x-y/z');
    expect(x('home-my\\x2duser.service', '%j|%J|%f|100%%')).to.equal('my\\x2duser|my-user|/home/my-user|100%');
  });
  it('uses the last dash component for %j', () => expect(x('a-b-c.service', '%j')).to.equal('c'));
  it('expands system facts', () => expect(x('a.service', '%H %l %m %b %u %U %h %t %v')).to.equal('host.example.com host m1 b1 root 0 /root /run 6.1'));
  it('turns %% into % and keeps a trailing %', () => expect(x('a.service', '100%% %')).to.equal('100% %'));
  it('gives "" for %i of a plain unit', () => expect(x('a.service', '[%i]')).to.equal('[]'));
  it('refuses an unknown specifier', () => expect(() => x('a.service', '%z')).to.throw(/%z/));
});
