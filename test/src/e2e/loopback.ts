/**
 * How the e2e tests reach services over loopback: a free TCP port on 127.0.0.1 to configure, and
 * one request to a port or a unix socket path.
 */
import * as net from 'node:net';

/** A port on 127.0.0.1 nobody listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Sends `text` to a TCP port on 127.0.0.1 or a unix socket path and resolves with the reply — its
 * first line when the request ended with a newline, else the first data that came; rejects after
 * 5 s without one.
 */
export function talk(target: number | string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = typeof target === 'number' ? net.connect(target, '127.0.0.1') : net.connect(target);
    c.setTimeout(5000, () => c.destroy(new Error('timeout')));
    c.on('connect', () => c.write(text));
    let got = '';
    c.on('data', (d) => {
      got += String(d);
      if (got.includes('\n') || !text.endsWith('\n')) {
        resolve(got);
        c.destroy();
      }
    });
    c.on('error', reject);
  });
}
