import * as nodePath from 'node:path';
import { expect } from 'chai';
import {
  isValidUnitName, unitNameEscape, unitNameFromPath, unitNameInstance, unitNamePathEscape, unitNamePathUnescape,
  resolvedPath, unitNamePrefix, unitNameReplaceInstance, unitNameTemplate, unitNameUnescape, unitNameMangle,
} from './unit-name.js';

describe('unit names', () => {
  it('validates plain, instance and template names', () => {
    expect(isValidUnitName('foo.service')).to.equal(true);
    expect(isValidUnitName('foo@bar.service')).to.equal(true);
    expect(isValidUnitName('foo@.service')).to.equal(true);
    expect(isValidUnitName('foo@.service', { plain: true, instance: true })).to.equal(false);
    expect(isValidUnitName('foo@a@b.socket')).to.equal(true);
    // Any lowercase suffix may name a unit type a composed manager adds; the manager refuses unknown ones.
    expect(isValidUnitName('blue.widget')).to.equal(true);
    for (const bad of ['', 'foo', 'foo.Bar', 'foo.target.wants', 'foo.service.d', 'foo.1x', '.service', '@foo.service', 'a b.service', 'foo/bar.service', 'x'.repeat(250) + '.service']) {
      expect(isValidUnitName(bad), bad).to.equal(false);
    }
  });
  it('splits templates and instances', () => {
    expect(unitNamePrefix('foo@bar.service')).to.equal('foo');
    expect(unitNameInstance('foo@bar.service')).to.equal('bar');
    expect(unitNameInstance('foo.service')).to.equal(undefined);
    expect(unitNameTemplate('foo@bar.service')).to.equal('foo@.service');
    expect(unitNameReplaceInstance('foo@.service', 'x')).to.equal('foo@x.service');
  });
  // Checked against systemd-escape 252.
  it('escapes like systemd-escape', () => {
    expect(unitNameEscape('foo-bar/baz qux')).to.equal('foo\\x2dbar-baz\\x20qux');
    expect(unitNameEscape('.hidden')).to.equal('\\x2ehidden');
    expect(unitNameEscape('ü')).to.equal('\\xc3\\xbc');
    expect(unitNameUnescape('foo\\x2dbar-baz\\x20qux')).to.equal('foo-bar/baz qux');
    expect(unitNameUnescape('\\xc3\\xbc')).to.equal('ü');
  });
  it('escapes paths like systemd-escape --path', () => {
    expect(unitNamePathEscape('/')).to.equal('-');
    expect(unitNamePathEscape('/home/user/')).to.equal('home-user');
    expect(unitNamePathEscape('//dev//sda1')).to.equal('dev-sda1');
    expect(unitNameFromPath('/var/lib/my-dir', 'mount')).to.equal('var-lib-my\\x2ddir.mount');
    expect(unitNamePathUnescape('-')).to.equal('/');
    expect(unitNamePathUnescape('var-lib-my\\x2ddir')).to.equal('/var/lib/my-dir');
    expect(() => unitNamePathEscape('/a/../b')).to.throw();
  });
  it('mangles names like systemctl', () => {
    expect(unitNameMangle('foo')).to.equal('foo.service');
    expect(unitNameMangle('foo.socket')).to.equal('foo.socket');
    expect(unitNameMangle('/home')).to.equal('home.mount');
    expect(unitNameMangle('/dev/sda')).to.equal('dev-sda.device');
  });
});

describe('resolvedPath', () => {
  it('is path.resolve: normalized absolute paths as they are, anything else normalized', () => {
    for (const p of ['/', '/etc/systemd/user', '/a/b.service', '/a//b', '/a/./b', '/a/../b', '/a/b/', '/a/.', '/a/..', 'rel/x', './x', '', '/..hidden/.x'])
      expect(resolvedPath(p), JSON.stringify(p)).to.equal(nodePath.resolve(p));
  });
});
