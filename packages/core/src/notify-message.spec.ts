import { expect } from 'chai';
import { parseNotifyMessage } from './notify-message.js';

describe('parseNotifyMessage', () => {
  it('parses assignments, the last one of a key winning', () => {
    const r = parseNotifyMessage('READY=1\nSTATUS=one\nSTATUS=two words\n');
    expect(r.ok).to.equal(true);
    if (r.ok) expect([...r.fields]).to.deep.equal([['READY', '1'], ['STATUS', 'two words']]);
  });

  it('keeps values with = signs and empty values', () => {
    const r = parseNotifyMessage('STATUS=a=b\nERRNO=');
    expect(r.ok && r.fields.get('STATUS')).to.equal('a=b');
    expect(r.ok && r.fields.get('ERRNO')).to.equal('');
  });

  it('refuses what systemd refuses', () => {
    expect(parseNotifyMessage('READY').ok).to.equal(false);
    expect(parseNotifyMessage('=1').ok).to.equal(false);
    expect(parseNotifyMessage('1X=1').ok).to.equal(false);
    expect(parseNotifyMessage('A=\0').ok).to.equal(false);
    expect(parseNotifyMessage(`STATUS=${'x'.repeat(5000)}`).ok).to.equal(false);
  });
});
