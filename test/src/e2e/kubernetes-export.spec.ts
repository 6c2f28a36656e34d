/**
 * `unitkitctl export kubernetes` on the bundled examples (issue #18): the program as a user runs
 * it, on the example units rendered as a container image renders them (the TCP sockets on
 * 0.0.0.0 where the templates let the host be chosen), every manifest checked against the
 * Kubernetes OpenAPI schemas (kubernetes-models' validators, no network).
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { examplesDir } from '@unitkit/cli';
import { validateManifests, type KubernetesObject } from '@unitkit/export';

const ctl = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/cli/bin/unitkitctl.js');

/** The example unit templates filled in for an image that has the examples in /opt/unitkit/examples. */
function renderForContainer(target: string): Map<string, string> {
  const src = path.join(examplesDir(), 'units');
  const out = new Map<string, string>();
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(src).sort()) {
    const text = fs
      .readFileSync(path.join(src, name), 'utf8')
      .replaceAll('@EXAMPLES@', '/opt/unitkit/examples')
      .replaceAll('@NODE@', '/usr/local/bin/node')
      .replaceAll('@ECHO_PORT@', '7777')
      .replaceAll('@GREET_PORT@', '7778')
      .replaceAll('@HOST@', '0.0.0.0');
    fs.writeFileSync(path.join(target, name), text);
    out.set(name, text);
  }
  return out;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ctl, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TZ: 'UTC' } }, (e, stdout, stderr) =>
      resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('end to end: unitkitctl export kubernetes on the bundled examples', function () {
  this.timeout(30000);
  let dir: string;
  let units: Map<string, string>;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-export-examples-'));
    units = renderForContainer(dir);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const cronJobs of [false, true]) {
    it(`exports default.target${cronJobs ? ' with --cron-jobs' : ''}: every manifest validates against the Kubernetes schemas`, async () => {
      const r = await run(['export', 'kubernetes', `--unit-path=${dir}`, '--image=unitkit-examples:test', ...(cronJobs ? ['--cron-jobs'] : [])]);
      expect(r.code, r.stderr).to.equal(0);
      const docs = parseAllDocuments(r.stdout);
      for (const d of docs) expect(d.errors, String(d.errors)).to.deep.equal([]);
      const objects = docs.map((d) => d.toJS() as KubernetesObject);
      expect(await validateManifests(objects)).to.deep.equal([]);

      const kinds = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
      expect(kinds).to.include.members(['ConfigMap/default-units', 'Deployment/default']);
      const deployment = objects.find((o) => o.kind === 'Deployment') as any;
      const container = deployment.spec.template.spec.containers[0];
      expect(container.image).to.equal('unitkit-examples:test');
      expect(container.command).to.include('--unit=default.target');
      expect(container.readinessProbe.httpGet.path).to.equal('/readyz');

      // Every example unit file travels in the ConfigMap (the heartbeat pair in the CronJob's own one).
      const data = Object.values((objects.find((o) => o.metadata?.name === 'default-units') as any).data as Record<string, string>);
      const moved = cronJobs ? ['heartbeat.timer', 'heartbeat.service'] : [];
      for (const [name, text] of units) if (!moved.includes(name) && !['basic.target', 'sysinit.target'].includes(name)) expect(data, name).to.include(text);

      // A TCP port on a wildcard address gets a Service; the report names the unix sockets and Accept=yes.
      for (const [name, text] of units) {
        if (!name.endsWith('.socket')) continue;
        const port = /^ListenStream=(?:0\.0\.0\.0:)?([0-9]+)$/m.exec(text)?.[1];
        const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === name.replace('.socket', '')) as any;
        if (port) expect(service?.spec.ports.map((p: any) => `${p.protocol}/${p.port}`), name).to.deep.equal([`TCP/${port}`]);
        else expect(service, name).to.equal(undefined);
      }
      expect(r.stderr).to.match(/rpc\.socket: ListenSequentialPacket=\/run\/unitkit-rpc\.sock: does-not-map/);
      expect(r.stderr).to.match(/echo\.socket: ListenStream=\/run\/unitkit-echo\.sock: does-not-map/);

      if (cronJobs) {
        const job = objects.find((o) => o.kind === 'CronJob') as any;
        expect(job.metadata.name).to.equal('heartbeat');
        expect(job.spec.schedule).to.equal('* * * * *');
        expect(r.stderr).to.match(/heartbeat\.timer: OnActiveSec=5s: does-not-map/);
      } else {
        expect(objects.some((o) => o.kind === 'CronJob')).to.equal(false);
      }
    });
  }
});
