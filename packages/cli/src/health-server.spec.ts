import { expect } from 'chai';
import * as http from 'node:http';
import type { Manager, Unit } from '@unitkit/core';
import { HealthServer, formatReadiness, readiness } from './health-server.js';

/** A manager as the health endpoint sees it: failed units and a lookup. */
function fakeManager(units: Record<string, [string, string]>): Pick<Manager, 'failed' | 'getUnit'> {
  const all = Object.entries(units).map(([id, [active, sub]]) => ({ id, loadState: 'loaded', activeState: () => active, subState: () => sub }) as unknown as Unit);
  return {
    failed: () => all.filter((u) => u.activeState() === 'failed'),
    getUnit: (name: string) => all.find((u) => u.id === name),
  };
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers, method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('health endpoint', () => {
  it('is ready when the system is running, not while starting or degraded, naming the failed units', () => {
    const m = fakeManager({ 'a.service': ['active', 'running'], 'b.service': ['failed', 'failed'] });
    expect(readiness(m, 'running')).to.deep.include({ ready: true });
    const degraded = readiness(m, 'degraded');
    expect(degraded).to.deep.equal({ ready: false, systemState: 'degraded', failed: [{ unit: 'b.service', loadState: 'loaded', activeState: 'failed', subState: 'failed' }] });
    expect(formatReadiness(degraded)).to.equal('not ready: system is degraded\nfailed: b.service (failed/failed)\n');
    expect(formatReadiness(readiness(m, 'starting'))).to.match(/^not ready: system is starting\n/);
  });

  it('with --health-units=, is ready when those units are active, whatever else failed', () => {
    const m = fakeManager({ 'a.service': ['active', 'running'], 'a.socket': ['active', 'listening'], 'b.service': ['failed', 'failed'], 'c.service': ['activating', 'start'] });
    expect(readiness(m, 'degraded', ['a.service', 'a.socket']).ready).to.equal(true);
    const r = readiness(m, 'starting', ['a.service', 'c.service', 'gone.service']);
    expect(r.ready).to.equal(false);
    expect(r.waiting?.map((w) => w.unit)).to.deep.equal(['c.service', 'gone.service']);
    expect(formatReadiness(r)).to.equal(
      'not ready: 2 unit(s) not active\nfailed: b.service (failed/failed)\nwaiting: c.service (activating/start)\nwaiting: gone.service (inactive/dead)\n',
    );
    expect(readiness(m, 'stopping', ['a.service']).ready).to.equal(false);
  });

  it('answers /livez from the manager loop, /readyz with 200 or 503 in text or JSON, 404 and 405 otherwise', async () => {
    let state = 'starting';
    const deferred: Array<() => void> = [];
    const m = fakeManager({ 'x.service': ['failed', 'failed'] });
    const server = new HealthServer({ listen: { host: '127.0.0.1', port: 0 }, manager: m, systemState: () => state, defer: (cb) => deferred.push(cb) });
    const { port } = await server.listen();
    try {
      // /livez waits for the loop: nothing is answered until the deferred callback runs.
      const live = get(port, '/livez');
      for (let i = 0; i < 100 && deferred.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      deferred.shift()!();
      expect(await live).to.deep.include({ status: 200, body: 'ok\n' });
      expect(await get(port, '/readyz')).to.deep.include({ status: 503, body: 'not ready: system is starting\nfailed: x.service (failed/failed)\n' });
      const json = await get(port, '/readyz', { accept: 'application/json' });
      expect(json.status).to.equal(503);
      expect(json.type).to.equal('application/json');
      expect(JSON.parse(json.body)).to.deep.equal({ ready: false, systemState: 'starting', failed: [{ unit: 'x.service', loadState: 'loaded', activeState: 'failed', subState: 'failed' }] });
      state = 'running';
      expect(await get(port, '/readyz?format=json')).to.deep.include({ status: 200 });
      expect(await get(port, '/readyz', {}, 'HEAD')).to.deep.include({ status: 200, body: '' });
      expect((await get(port, '/')).status).to.equal(404);
      expect((await get(port, '/readyz', {}, 'POST')).status).to.equal(405);
    } finally {
      server.close();
    }
  });

  it('reports a port it cannot bind as an error to the caller', async () => {
    const a = new HealthServer({ listen: { host: '127.0.0.1', port: 0 }, manager: fakeManager({}), systemState: () => 'running', defer: (cb) => cb() });
    const { port } = await a.listen();
    try {
      const b = new HealthServer({ listen: { host: '127.0.0.1', port }, manager: fakeManager({}), systemState: () => 'running', defer: (cb) => cb() });
      let error: Error | undefined;
      await b.listen().catch((e: Error) => (error = e));
      expect(error?.message).to.match(/EADDRINUSE/);
    } finally {
      a.close();
    }
  });
});
