import { expect } from 'chai';
import { busLabelEscape, busLabelUnescape, jobObjectPath, unitObjectPath } from './systemd-bus-api.js';

describe('systemd bus object paths', () => {
  it('escapes unit names as systemd\'s bus_label_escape', () => {
    expect(unitObjectPath('dbus.socket')).to.equal('/org/freedesktop/systemd1/unit/dbus_2esocket');
    expect(unitObjectPath('getty@tty1.service')).to.equal('/org/freedesktop/systemd1/unit/getty_40tty1_2eservice');
    expect(busLabelEscape('')).to.equal('_');
    expect(busLabelEscape('a-b_c')).to.equal('a_2db_5fc');
    expect(jobObjectPath(42)).to.equal('/org/freedesktop/systemd1/job/42');
  });

  it('unescapes, refusing malformed labels', () => {
    expect(busLabelUnescape('getty_40tty1_2eservice')).to.equal('getty@tty1.service');
    expect(busLabelUnescape('_')).to.equal('');
    expect(busLabelUnescape('x_4')).to.equal(undefined);
    expect(busLabelUnescape('x_zz')).to.equal(undefined);
    expect(busLabelUnescape(busLabelEscape('ünï code.service'))).to.equal('ünï code.service');
  });
});
