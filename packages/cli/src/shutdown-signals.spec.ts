import { expect } from 'chai';
import { CtrlAltDelBurst, signalRequest } from './shutdown-signals.js';

describe('shutdown signals', () => {
  const rt = 34;
  it('maps SIGTERM to halt.target (system) and exit.target (user), SIGINT to ctrl-alt-del.target', () => {
    expect(signalRequest(15, 'system', rt)).to.deep.equal({ kind: 'end', objective: 'halt', target: 'halt.target', immediate: false });
    expect(signalRequest(15, 'user', rt)).to.deep.equal({ kind: 'end', objective: 'exit', target: 'exit.target', immediate: false });
    expect(signalRequest(2, 'system', rt)).to.deep.equal({ kind: 'end', objective: 'reboot', target: 'ctrl-alt-del.target', immediate: false });
    expect(signalRequest(2, 'user', rt)).to.deep.include({ objective: 'exit', target: 'exit.target' });
  });

  it('maps the real-time signals as systemd does: targets at +0…+6, immediate objectives at +13…+16, user exit at +24', () => {
    expect(signalRequest(rt, 'system', rt)).to.deep.equal({ kind: 'isolate', target: 'default.target' });
    expect(signalRequest(rt + 2, 'system', rt)).to.deep.equal({ kind: 'isolate', target: 'emergency.target' });
    expect(signalRequest(rt + 3, 'system', rt)).to.deep.equal({ kind: 'end', objective: 'halt', target: 'halt.target', immediate: false });
    expect(signalRequest(rt + 4, 'system', rt)).to.deep.include({ objective: 'poweroff', target: 'poweroff.target' });
    expect(signalRequest(rt + 5, 'system', rt)).to.deep.include({ objective: 'reboot', target: 'reboot.target' });
    expect(signalRequest(rt + 13, 'system', rt)).to.deep.equal({ kind: 'end', objective: 'halt', immediate: true });
    expect(signalRequest(rt + 15, 'system', rt)).to.deep.equal({ kind: 'end', objective: 'reboot', immediate: true });
    expect(signalRequest(rt + 24, 'user', rt)).to.deep.equal({ kind: 'end', objective: 'exit', immediate: true });
    expect(signalRequest(rt + 24, 'system', rt)).to.equal(undefined);
    expect(signalRequest(rt + 7, 'system', rt)).to.equal(undefined);
    expect(signalRequest(10, 'system', rt)).to.equal(undefined);
  });

  it('counts more than 7 SIGINTs within 2 s as a burst', () => {
    const b = new CtrlAltDelBurst();
    for (let i = 0; i < 7; i++) expect(b.hit(i * 100)).to.equal(false);
    expect(b.hit(700)).to.equal(true);
    const slow = new CtrlAltDelBurst();
    for (let i = 0; i < 20; i++) expect(slow.hit(i * 400)).to.equal(false);
  });
});
