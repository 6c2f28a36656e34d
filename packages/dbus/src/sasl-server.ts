/**
 * The server half of the D-Bus SASL handshake, EXTERNAL only, as sd-bus clients drive it. sd-bus
 * pipelines `\0AUTH EXTERNAL\r\nDATA\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n` in one write and expects
 * `DATA`, `OK <guid>`, `AGREE_UNIX_FD`; older clients send `AUTH EXTERNAL <hex uid>`. The
 * identity is the peer's uid from SO_PEERCRED: the client may only claim that uid (or none).
 * States follow the spec: WaitingForAuth, WaitingForData, WaitingForBegin.
 */

/** Longest accepted line; real ones are < 100 bytes. */
const MAX_LINE = 16 * 1024;
/** Commands accepted before giving up on a client that never authenticates. */
const MAX_COMMANDS = 64;

/** What feeding bytes to the handshake produced. */
export interface SaslStep {
  /** Replies to write, in order (each ends with \r\n). */
  replies: string[];
  /** Set once BEGIN was received: the bytes after it belong to the message stream. */
  rest?: Buffer;
  /** Set when the conversation must end: the reason to log and close with. */
  fail?: string;
}

/** Server side handshake state for one connection. */
export class SaslServer {
  private state: 'nul' | 'auth' | 'data' | 'begin' = 'nul';
  private pending: Buffer = Buffer.alloc(0);
  private commands = 0;
  /** Whether the client asked for, and got, unix fd passing. */
  unixFdsAgreed = false;

  /**
   * @param peerUid the uid SO_PEERCRED reported
   * @param guid the server's 32 hex digit GUID
   * @param allowFds whether AGREE_UNIX_FD may be answered
   */
  constructor(
    private readonly peerUid: number,
    private readonly guid: string,
    private readonly allowFds = true,
  ) {}

  /** Feeds received bytes; returns replies, and `rest` once authenticated, or `fail`. */
  feed(data: Buffer): SaslStep {
    const step: SaslStep = { replies: [] };
    let buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (this.state === 'nul') {
      if (buf.length === 0) return step;
      if (buf[0] !== 0) return { replies: [], fail: 'the client did not start with a NUL byte' };
      buf = buf.subarray(1);
      this.state = 'auth';
    }
    for (;;) {
      const end = buf.indexOf('\r\n');
      if (end < 0) {
        if (buf.length > MAX_LINE) return { ...step, fail: 'authentication line too long' };
        this.pending = Buffer.from(buf);
        return step;
      }
      const line = buf.subarray(0, end).toString('latin1');
      buf = buf.subarray(end + 2);
      if (++this.commands > MAX_COMMANDS) return { ...step, fail: 'too many authentication commands' };
      const outcome = this.command(line, step);
      if (outcome === 'begin') {
        this.pending = Buffer.alloc(0);
        step.rest = Buffer.from(buf);
        return step;
      }
      if (outcome) return { ...step, fail: outcome };
    }
  }

  /** Handles one line; returns 'begin', a failure reason, or undefined to continue. */
  private command(line: string, step: SaslStep): string | 'begin' | undefined {
    if (/[^\x20-\x7e]/.test(line)) return 'non-ASCII bytes in an authentication command';
    const [cmd = '', ...args] = line.split(' ');
    const reject = () => {
      step.replies.push('REJECTED EXTERNAL\r\n');
      this.state = 'auth';
    };
    switch (this.state) {
      case 'auth':
        switch (cmd) {
          case 'AUTH':
            if (args[0] !== 'EXTERNAL' || args.length > 2) reject();
            else if (args.length === 1) {
              step.replies.push('DATA\r\n');
              this.state = 'data';
            } else this.external(args[1]!, step);
            return undefined;
          case 'CANCEL':
          case 'ERROR':
          case 'DATA':
            // DATA outside a conversation and CANCEL/ERROR: the spec answers REJECTED / ERROR.
            if (cmd === 'ERROR') step.replies.push('REJECTED EXTERNAL\r\n');
            else if (cmd === 'CANCEL') reject();
            else step.replies.push('ERROR "no authentication in progress"\r\n');
            return undefined;
          case 'BEGIN':
            return 'BEGIN before authentication';
          default:
            step.replies.push('ERROR "unknown command"\r\n');
            return undefined;
        }
      case 'data':
        switch (cmd) {
          case 'DATA':
            if (args.length > 1) reject();
            else this.external(args[0] ?? '', step);
            return undefined;
          case 'CANCEL':
          case 'ERROR':
            reject();
            return undefined;
          case 'BEGIN':
            return 'BEGIN before authentication';
          default:
            reject();
            return undefined;
        }
      case 'begin':
        switch (cmd) {
          case 'BEGIN':
            return 'begin';
          case 'NEGOTIATE_UNIX_FD':
            if (this.allowFds) {
              this.unixFdsAgreed = true;
              step.replies.push('AGREE_UNIX_FD\r\n');
            } else step.replies.push('ERROR "unix fd passing not supported"\r\n');
            return undefined;
          case 'CANCEL':
          case 'ERROR':
            reject();
            return undefined;
          default:
            step.replies.push('ERROR "unknown command"\r\n');
            return undefined;
        }
      default:
        return 'internal: unexpected state';
    }
  }

  /** EXTERNAL: the response is the claimed uid as hex-encoded ASCII decimal, or empty (use the peer's). */
  private external(hex: string, step: SaslStep): void {
    if (hex === '' || decodeHexUid(hex) === String(this.peerUid)) {
      step.replies.push(`OK ${this.guid}\r\n`);
      this.state = 'begin';
    } else {
      step.replies.push('REJECTED EXTERNAL\r\n');
      this.state = 'auth';
    }
  }
}

/** Decodes the hex form of an EXTERNAL identity (`31303030` → `1000`); null when not valid hex. */
export function decodeHexUid(hex: string): string | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('latin1');
}

/** Encodes a uid as EXTERNAL sends it: the decimal digits, hex-encoded. */
export function encodeHexUid(uid: number): string {
  return Buffer.from(String(uid), 'latin1').toString('hex');
}
