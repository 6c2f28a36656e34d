/**
 * The client half of the SASL handshake: EXTERNAL with our uid, pipelined like sd-bus does
 * (`\0AUTH EXTERNAL <hex uid>\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n`), then the replies are read:
 * `OK <guid>` and `AGREE_UNIX_FD` (or `ERROR`, meaning no fd passing).
 */
import { encodeHexUid, type SaslStep } from './sasl-server.js';

/** Client side handshake state. */
export class SaslClient {
  private pending: Buffer = Buffer.alloc(0);
  private state: 'ok' | 'fd' = 'ok';
  /** The server's GUID from its OK line. */
  guid = '';
  /** Whether the server agreed to unix fd passing. */
  unixFdsAgreed = false;

  constructor(
    private readonly uid: number,
    private readonly negotiateFds = true,
  ) {}

  /** The bytes to send at once: NUL, AUTH, optionally NEGOTIATE_UNIX_FD, and BEGIN. */
  start(): Buffer {
    return Buffer.from(
      `\0AUTH EXTERNAL ${encodeHexUid(this.uid)}\r\n` + (this.negotiateFds ? 'NEGOTIATE_UNIX_FD\r\n' : '') + 'BEGIN\r\n',
      'latin1',
    );
  }

  /** Feeds received bytes; `rest` is set when the handshake completed, `fail` when it failed. */
  feed(data: Buffer): SaslStep {
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    for (;;) {
      const end = buf.indexOf('\r\n');
      if (end < 0) {
        if (buf.length > 16 * 1024) return { replies: [], fail: 'authentication reply too long' };
        this.pending = Buffer.from(buf);
        return { replies: [] };
      }
      const line = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 2);
      const [cmd, arg] = line.split(' ');
      if (this.state === 'ok') {
        if (cmd !== 'OK' || !arg || !/^[0-9a-f]{32}$/i.test(arg)) return { replies: [], fail: `authentication failed: ${line}` };
        this.guid = arg;
        if (!this.negotiateFds) return { replies: [], rest: Buffer.from(buf) };
        this.state = 'fd';
      } else {
        this.unixFdsAgreed = cmd === 'AGREE_UNIX_FD';
        if (cmd !== 'AGREE_UNIX_FD' && cmd !== 'ERROR') return { replies: [], fail: `unexpected reply to NEGOTIATE_UNIX_FD: ${line}` };
        return { replies: [], rest: Buffer.from(buf) };
      }
    }
  }
}
