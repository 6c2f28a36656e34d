/**
 * The opt-in HTTP health endpoint (`--health-listen=ADDR:PORT`) for Kubernetes httpGet probes and
 * Docker's HEALTHCHECK:
 *
 * - `GET /livez`: 200 `ok` once the manager's event loop has run a callback queued by this
 *   request (a manager stuck in a callback never answers, so the probe times out);
 * - `GET /readyz`: 200 when the system is `running` (systemd's SystemState) or, with
 *   `--health-units=`, when every one of those units is active; 503 otherwise, naming the state,
 *   the failed units and (with `--health-units=`) the listed units that are not active yet.
 *
 * Bodies are plain text (`ready` / `not ready: …` then one `failed: UNIT (ACTIVE/SUB)` or
 * `waiting: UNIT (ACTIVE/SUB)` line each); a request that accepts `application/json` (or asks
 * `?format=json`) gets the same as one JSON object. HEAD answers the status without a body; other
 * methods get 405 and other paths 404. Node's http server on the manager's own loop: nothing else
 * to run, and it answers only while that loop does.
 */
import type * as http from 'node:http';
import { createRequire } from 'node:module';

/**
 * node:http, loaded when a health server is made: the endpoint is opt-in, and the module with its
 * dependencies was ~0.1 MB of every idle manager's heap (issue #19).
 */
function loadHttp(): typeof http {
  return createRequire(import.meta.url)('node:http') as typeof http;
}
import type { Manager, Unit } from '@unitkit/core';
import type { HealthListen } from './daemon-options.js';

/** A unit as the readiness answer names it. */
export interface HealthUnitState {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
}

/** What /readyz found. */
export interface Readiness {
  ready: boolean;
  /** systemd's SystemState: initializing, starting, running, degraded, stopping. */
  systemState: string;
  /** Units in the failed state. */
  failed: HealthUnitState[];
  /** With --health-units=: the listed units that are not active (failed ones included). */
  waiting?: HealthUnitState[];
}

function stateOf(name: string, u: Unit | undefined): HealthUnitState {
  if (!u) return { unit: name, loadState: 'not-loaded', activeState: 'inactive', subState: 'dead' };
  return { unit: u.id, loadState: u.loadState, activeState: u.activeState(), subState: u.subState() };
}

/**
 * Readiness as specified above. Listed units are looked up, never loaded: a probe must not change
 * the manager (a unit nothing pulled in is simply not active).
 */
export function readiness(manager: Pick<Manager, 'failed' | 'getUnit'>, systemState: string, units?: readonly string[]): Readiness {
  const failed = manager.failed().map((u) => stateOf(u.id, u));
  if (!units) return { ready: systemState === 'running', systemState, failed };
  const waiting = units.map((n) => stateOf(n, manager.getUnit(n))).filter((s) => s.activeState !== 'active');
  // Stopping means the units are about to go, whatever they say now.
  return { ready: waiting.length === 0 && systemState !== 'stopping', systemState, failed, waiting };
}

/** The plain-text body of a readiness answer. */
export function formatReadiness(r: Readiness): string {
  if (r.ready) return 'ready\n';
  const why = r.waiting ? (r.systemState === 'stopping' ? 'system is stopping' : `${r.waiting.length} unit(s) not active`) : `system is ${r.systemState}`;
  let text = `not ready: ${why}\n`;
  for (const f of r.failed) text += `failed: ${f.unit} (${f.activeState}/${f.subState})\n`;
  for (const w of r.waiting ?? []) if (w.activeState !== 'failed') text += `waiting: ${w.unit} (${w.activeState}/${w.subState})\n`;
  return text;
}

/** What the health server needs from the daemon. */
export interface HealthServerOptions {
  listen: HealthListen;
  manager: Pick<Manager, 'failed' | 'getUnit'>;
  /** systemd's SystemState now (ControlHandler.systemState()). */
  systemState: () => string;
  /** --health-units=. */
  units?: readonly string[];
  /** Runs `callback` from the manager's event loop (EventLoop.defer). */
  defer: (callback: () => void) => void;
}

/** The HTTP server behind /livez and /readyz. */
export class HealthServer {
  private readonly server: http.Server;

  constructor(private readonly opts: HealthServerOptions) {
    this.server = loadHttp().createServer((req, res) => this.answer(req, res));
    // Probes come every few seconds; a slow or idle client must not hold sockets for long.
    this.server.requestTimeout = 10_000;
    this.server.headersTimeout = 5_000;
    this.server.keepAliveTimeout = 5_000;
  }

  /** Binds; resolves with the address and the port (the chosen one for port 0). */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen({ host: this.opts.listen.host, port: this.opts.listen.port, ipv6Only: false }, () => {
        this.server.off('error', onError);
        // Later errors (a client's reset) belong to that request, never to the manager.
        this.server.on('error', () => {});
        const a = this.server.address();
        resolve({ host: this.opts.listen.host, port: typeof a === 'object' && a ? a.port : this.opts.listen.port });
      });
    });
  }

  /** Stops listening and drops open connections. */
  close(): void {
    this.server.close();
    this.server.closeAllConnections();
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://health');
    const json = url.searchParams.get('format') === 'json' || /\bapplication\/json\b/.test(req.headers.accept ?? '');
    const send = (status: number, body: string | object, extra: Record<string, string> = {}) => {
      const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...extra });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    if (url.pathname !== '/livez' && url.pathname !== '/readyz') return send(404, 'not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    if (url.pathname === '/livez') {
      // Answered from the manager's loop: if it is wedged, the probe times out.
      this.opts.defer(() => send(200, json ? { live: true } : 'ok\n'));
      return;
    }
    let r: Readiness;
    try {
      r = readiness(this.opts.manager, this.opts.systemState(), this.opts.units);
    } catch (e) {
      return send(500, `error: ${(e as Error).message}\n`);
    }
    send(r.ready ? 200 : 503, json ? r : formatReadiness(r));
  }
}
