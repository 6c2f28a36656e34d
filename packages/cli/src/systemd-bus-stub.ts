/**
 * A stand-in for systemd's private D-Bus socket ($XDG_RUNTIME_DIR/systemd/private). Unit files
 * written for systemd sometimes call `systemctl --user …` themselves (the distribution's
 * dbus.socket runs `systemctl --user set-environment` in ExecStartPost=). Without this, sd-bus
 * falls back to the session bus path — a socket the manager itself holds and nobody answers yet —
 * and waits forever, holding up the boot. Here sd-bus gets a proper peer that completes the SASL
 * handshake and answers every method call with org.freedesktop.DBus.Error.NotSupported, so such
 * calls fail at once with a clear message (unitkit speaks its own protocol: use unitkitctl).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

const ERROR_NAME = 'org.freedesktop.DBus.Error.NotSupported';
const ERROR_TEXT = 'This manager is unitkit, which does not implement systemd\'s D-Bus API; use unitkitctl.';

/** A little-endian D-Bus marshaller for the few types an error reply needs. */
class Marshal {
  private bytes: number[] = [];
  align(n: number): void {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }
  u32(v: number): void {
    this.align(4);
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  setU32(at: number, v: number): void {
    this.bytes.splice(at, 4, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  string(s: string): void {
    const b = Buffer.from(s);
    this.u32(b.length);
    this.bytes.push(...b, 0);
  }
  signature(s: string): void {
    this.byte(s.length);
    this.bytes.push(...Buffer.from(s), 0);
  }
  get length(): number {
    return this.bytes.length;
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

/** An error reply to the method call with `serial`. */
export function errorReply(serial: number, replySerial: number, name = ERROR_NAME, text = ERROR_TEXT): Buffer {
  const body = new Marshal();
  body.string(text);
  const m = new Marshal();
  m.byte(0x6c); // little endian
  m.byte(3); // METHOD_RETURN is 2, ERROR is 3
  m.byte(1); // NO_REPLY_EXPECTED
  m.byte(1); // protocol version
  m.u32(body.length);
  m.u32(serial);
  const lengthAt = m.length;
  m.u32(0);
  const start = m.length;
  const field = (code: number, sig: string, write: () => void) => {
    m.align(8);
    m.byte(code);
    m.signature(sig);
    write();
  };
  field(4, 's', () => m.string(name));
  field(5, 'u', () => m.u32(replySerial));
  field(8, 'g', () => m.signature('s'));
  m.setU32(lengthAt, m.length - start);
  m.align(8);
  return Buffer.concat([m.buffer(), body.buffer()]);
}

/** Serves one client: SASL, then an error for every method call. */
function serve(socket: net.Socket): void {
  let buf = Buffer.alloc(0);
  let authenticated = false;
  let serial = 1;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    while (!authenticated) {
      if (buf[0] === 0) buf = buf.subarray(1); // the credentials byte
      const eol = buf.indexOf('\r\n');
      // A SASL line is short; megabytes without a line end are a flood, not a client.
      if (eol < 0) return void (buf.length > 16384 && socket.destroy());
      const line = buf.subarray(0, eol).toString();
      buf = buf.subarray(eol + 2);
      if (line.startsWith('AUTH EXTERNAL')) socket.write(line.trim() === 'AUTH EXTERNAL' ? 'DATA\r\n' : `OK ${randomBytes(16).toString('hex')}\r\n`);
      else if (line.startsWith('DATA')) socket.write(`OK ${randomBytes(16).toString('hex')}\r\n`);
      else if (line.startsWith('AUTH')) socket.write('REJECTED EXTERNAL\r\n');
      else if (line === 'NEGOTIATE_UNIX_FD') socket.write('AGREE_UNIX_FD\r\n');
      else if (line === 'BEGIN') authenticated = true;
      else socket.write('ERROR\r\n');
    }
    while (buf.length >= 16) {
      const le = buf[0] === 0x6c;
      const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
      const bodyLength = u32(4);
      const fieldsLength = u32(12);
      const total = 16 + Math.ceil(fieldsLength / 8) * 8 + bodyLength;
      if (total > 1 << 20) return socket.destroy();
      if (buf.length < total) return;
      const type = buf[1];
      const flags = buf[2]!;
      const callSerial = u32(8);
      buf = buf.subarray(total);
      if (type === 1 && (flags & 1) === 0) socket.write(errorReply(serial++, callSerial));
    }
  });
}

/**
 * Listens on `$runtimeDir/systemd/private` unless a live socket (a real systemd) is there already.
 * Resolves to a closer, or undefined when it left the path alone.
 */
export async function startSystemdBusStub(xdgRuntimeDir: string | undefined, inheritedFd?: number): Promise<BusStubCloser | undefined> {
  if (!xdgRuntimeDir) return undefined;
  const dir = path.join(xdgRuntimeDir, 'systemd');
  const file = path.join(dir, 'private');
  const closer = (server: net.Server): BusStubCloser =>
    Object.assign(
      () => {
        server.close();
        fs.rmSync(file, { force: true });
      },
      { fd: () => (server as unknown as { _handle?: { fd?: number } })._handle?.fd },
    );
  if (inheritedFd !== undefined) {
    // A manager re-exec: the previous image's listening socket, still bound at `file`.
    const server = net.createServer(serve);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ fd: inheritedFd }, () => resolve());
    });
    return closer(server);
  }
  if (fs.existsSync(file)) {
    const live = await new Promise<boolean>((resolve) => {
      const c = net.connect(file, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (live) return undefined;
    fs.rmSync(file, { force: true });
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const server = net.createServer(serve);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  return closer(server);
}

/** Stops the stand-in; `fd()` is its listening socket (handed over on a manager re-exec). */
export type BusStubCloser = (() => void) & { fd(): number | undefined };
