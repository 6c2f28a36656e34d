/**
 * A net.Server on an inherited stream socket when the process was socket-activated, or on its own
 * address otherwise — as a daemon falls back to binding its socket itself when started by hand.
 */
import * as net from 'node:net';
import { listenFdsWithNames, type ListenFdsOptions } from './listen-fds.js';
import { isSocket } from './socket-checks.js';

/** Options of listen(). */
export interface ListenOptions extends ListenFdsOptions {
  /** Use the passed fd with this FileDescriptorName=; by default the first listening stream socket. */
  name?: string;
  /** Where to listen when nothing was passed: a port, a path, or net.ListenOptions. */
  fallback: number | string | net.ListenOptions;
  /** Handler for connections. */
  onConnection?: (socket: net.Socket) => void;
}

/** The server and whether it came from the manager. */
export interface ListeningServer {
  server: net.Server;
  /** True when the socket was passed in (socket activation), false when bound here. */
  activated: boolean;
  /** The fd that was used, when activated. */
  fd?: number;
}

/**
 * Starts listening. Resolves once the server listens; rejects with the bind error of the
 * fallback, or when fds were passed but none is a listening stream socket (with that name).
 */
export function listen(opts: ListenOptions): Promise<ListeningServer> {
  const fds = listenFdsWithNames(opts);
  const server = net.createServer(opts.onConnection);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    if (fds.length > 0) {
      const chosen = fds.find((f) => (opts.name === undefined || f.name === opts.name) && isSocket(f.fd, 0, 'stream', 1));
      if (!chosen) {
        reject(Object.assign(new Error(`no passed listening stream socket${opts.name ? ` named ${opts.name}` : ''}`), { code: 'ENOENT' }));
        return;
      }
      server.listen({ fd: chosen.fd }, () => {
        server.off('error', reject);
        resolve({ server, activated: true, fd: chosen.fd });
      });
      return;
    }
    const fb = opts.fallback;
    const listenOpts: net.ListenOptions = typeof fb === 'number' ? { port: fb } : typeof fb === 'string' ? { path: fb } : fb;
    server.listen(listenOpts, () => {
      server.off('error', reject);
      resolve({ server, activated: false });
    });
  });
}
