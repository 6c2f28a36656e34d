import { expect } from 'chai';
import { SaslClient } from './sasl-client.js';
import { decodeHexUid, encodeHexUid, SaslServer } from './sasl-server.js';

const GUID = '0123456789abcdef0123456789abcdef';

describe('SASL EXTERNAL', () => {
  it('answers the sd-bus pipelined handshake with DATA, OK <guid>, AGREE_UNIX_FD and hands over the rest', () => {
    const s = new SaslServer(1000, GUID);
    const step = s.feed(Buffer.from('\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\nl\x01rest', 'latin1'));
    expect(step.replies).to.deep.equal(['DATA\r\n', `OK ${GUID}\r\n`, 'AGREE_UNIX_FD\r\n']);
    expect(step.rest!.toString('latin1')).to.equal('l\x01rest');
    expect(s.unixFdsAgreed).to.equal(true);
  });

  it('works fed one byte at a time', () => {
    const s = new SaslServer(0, GUID);
    const replies: string[] = [];
    let rest: Buffer | undefined;
    for (const b of Buffer.from(`\0AUTH EXTERNAL ${encodeHexUid(0)}\r\nBEGIN\r\n`, 'latin1')) {
      const step = s.feed(Buffer.from([b]));
      replies.push(...step.replies);
      expect(step.fail).to.equal(undefined);
      rest ??= step.rest;
    }
    expect(replies).to.deep.equal([`OK ${GUID}\r\n`]);
    expect(rest!.length).to.equal(0);
    expect(s.unixFdsAgreed).to.equal(false);
  });

  it('accepts only the peer uid; rejects other mechanisms; CANCEL, ERROR, unknown commands', () => {
    const s = new SaslServer(1000, GUID);
    const lines = (text: string) => s.feed(Buffer.from(text, 'latin1'));
    expect(lines('\0AUTH\r\n').replies).to.deep.equal(['REJECTED EXTERNAL\r\n']);
    expect(lines('AUTH DBUS_COOKIE_SHA1 abc\r\n').replies).to.deep.equal(['REJECTED EXTERNAL\r\n']);
    expect(lines(`AUTH EXTERNAL ${encodeHexUid(0)}\r\n`).replies).to.deep.equal(['REJECTED EXTERNAL\r\n']);
    expect(lines('AUTH EXTERNAL\r\nCANCEL\r\n').replies).to.deep.equal(['DATA\r\n', 'REJECTED EXTERNAL\r\n']);
    expect(lines('AUTH EXTERNAL\r\nERROR oops\r\n').replies).to.deep.equal(['DATA\r\n', 'REJECTED EXTERNAL\r\n']);
    expect(lines('FOO\r\n').replies).to.deep.equal(['ERROR "unknown command"\r\n']);
    expect(lines('NEGOTIATE_UNIX_FD\r\n').replies).to.deep.equal(['ERROR "unknown command"\r\n']);
    expect(lines('AUTH EXTERNAL\r\nDATA 31303030\r\n').replies).to.deep.equal(['DATA\r\n', `OK ${GUID}\r\n`]);
    expect(lines('CANCEL\r\n').replies).to.deep.equal(['REJECTED EXTERNAL\r\n']); // after OK: back to the start
    expect(lines(`AUTH EXTERNAL ${encodeHexUid(1000)}\r\n`).replies).to.deep.equal([`OK ${GUID}\r\n`]);
    expect(lines('BEGIN\r\n').rest).to.not.equal(undefined);
  });

  it('fails on a missing NUL, BEGIN before OK, overlong lines, binary, and endless commands', () => {
    expect(new SaslServer(0, GUID).feed(Buffer.from('AUTH\r\n')).fail).to.match(/NUL/);
    expect(new SaslServer(0, GUID).feed(Buffer.from('\0BEGIN\r\n')).fail).to.match(/BEGIN before/);
    expect(new SaslServer(0, GUID).feed(Buffer.concat([Buffer.from([0]), Buffer.alloc(20000, 0x41)])).fail).to.match(/too long/);
    expect(new SaslServer(0, GUID).feed(Buffer.from('\0AUTH \x01\r\n', 'latin1')).fail).to.match(/non-ASCII/);
    expect(new SaslServer(0, GUID).feed(Buffer.from('\0' + 'X\r\n'.repeat(100))).fail).to.match(/too many/);
  });

  it('hex uids both ways; the client pipelines and reads OK and AGREE_UNIX_FD', () => {
    expect(encodeHexUid(1000)).to.equal('31303030');
    expect(decodeHexUid('31303030')).to.equal('1000');
    expect(decodeHexUid('3')).to.equal(null);
    const c = new SaslClient(1000);
    expect(c.start().toString('latin1')).to.equal('\0AUTH EXTERNAL 31303030\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n');
    expect(c.feed(Buffer.from(`OK ${GUID}\r\nAGR`)).rest).to.equal(undefined);
    const step = c.feed(Buffer.from('EE_UNIX_FD\r\nxyz'));
    expect(step.rest!.toString()).to.equal('xyz');
    expect(c.guid).to.equal(GUID);
    expect(c.unixFdsAgreed).to.equal(true);
    expect(new SaslClient(0).feed(Buffer.from('REJECTED EXTERNAL\r\n')).fail).to.match(/authentication failed/);
  });
});
