/**
 * `unitkitctl export kubernetes` on the bundled examples (issue #18): the program as a user runs
 * it, on the example units rendered as a container image renders them (the TCP sockets on
 * 0.0.0.0 where the templates let the host be chosen), every manifest checked against the
 * Kubernetes OpenAPI schemas (kubernetes-models' validators, no network).
 */
import { expect } from 'chai';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { examplesDir } from '@unitkit/cli';
import { validateManifests, type KubernetesObject } from '@unitkit/export';
import { freePort, talk } from './loopback.js';

const ctl = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/cli/bin/unitkitctl.js');

/** The example unit templates filled in for an image that has the examples in /opt/unitkit/examples. */
function renderForContainer(target: string, values: Record<string, string> = {}): Map<string, string> {
  const src = path.join(examplesDir(), 'units');
  const out = new Map<string, string>();
  fs.mkdirSync(target, { recursive: true });
  for (const name of fs.readdirSync(src).sort()) {
    let text = fs.readFileSync(path.join(src, name), 'utf8');
    const v = { EXAMPLES: '/opt/unitkit/examples', NODE: '/usr/local/bin/node', ECHO_PORT: '7777', GREET_PORT: '7778', HOST: '0.0.0.0', ...values };
    for (const [k, x] of Object.entries(v)) text = text.replaceAll(`@${k}@`, x);
    fs.writeFileSync(path.join(target, name), text);
    out.set(name, text);
  }
  return out;
}


/** Why a pod cannot be imitated here (root and unshare are needed), or undefined. */
function podUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root for a PID and mount namespace';
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', '--mount', 'true'], { stdio: 'ignore' });
  } catch (e) {
    return `unshare --pid --mount does not work here: ${(e as Error).message}`;
  }
  return undefined;
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

  it('the exported pod runs: its ConfigMap\'s files under unitkitd --system as PID 1 of a new PID namespace start every example, and echo answers', async function () {
    // heartbeat.timer's OnActiveSec=5s job keeps the system "starting" for five seconds.
    this.timeout(60000);
    const why = podUnavailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-export-pod-'));
    let child: ChildProcess | undefined;
    try {
      // The units as an image with these programs would have them; loopback TCP ports: the host's namespace is shared.
      const echoPort = await freePort();
      renderForContainer(path.join(work, 'src'), { EXAMPLES: examplesDir(), NODE: process.execPath, ECHO_PORT: String(echoPort), GREET_PORT: String(await freePort()), HOST: '127.0.0.1' });
      const r = await run(['export', '-q', 'kubernetes', `--unit-path=${path.join(work, 'src')}`]);
      expect(r.code, r.stderr).to.equal(0);
      const objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as any);
      const deployment = objects.find((o) => o.kind === 'Deployment');
      const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'units');
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
      // What the kubelet does with the ConfigMap volume: each key at its item's path.
      const unitDir = path.join(work, 'etc-systemd-system');
      for (const item of volume.configMap.items) {
        fs.mkdirSync(path.dirname(path.join(unitDir, item.path)), { recursive: true });
        fs.writeFileSync(path.join(unitDir, item.path), configMap.data[item.key]);
      }
      // The container's command, with the unit path where the files are; the console and health
      // options are the container-init tests' business, so only the manager's own options are kept.
      const command: string[] = deployment.spec.template.spec.containers[0].command;
      expect(command[0]).to.equal('unitkitd');
      const args = command.slice(1).filter((a) => a === '--system' || a.startsWith('--unit='));
      expect(args).to.deep.equal(['--system', '--unit=default.target']);
      const runtimeDir = path.join(work, 'run');
      const daemon = path.resolve(path.dirname(ctl), 'unitkitd.js');
      // A tmpfs on /run in the new mount namespace: %t of a system manager is /run, never the host's.
      child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$0" "$@"',
        process.execPath, daemon, ...args, `--unit-path=${unitDir}`, `--runtime-dir=${runtimeDir}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      child.stderr!.on('data', (d) => (log += String(d)));
      const state = async () => {
        const x = await new Promise<string>((resolve) => execFile(process.execPath, [ctl, 'is-system-running'], { env: { ...process.env, UNITKIT_RUNTIME_DIR: runtimeDir, UNITKIT_CONNECT_TIMEOUT_MS: '200' } }, (_e, out) => resolve(String(out).trim())));
        return x;
      };
      let s = '';
      for (let i = 0; i < 100 && s !== 'running' && s !== 'degraded'; i++) {
        s = await state();
        if (s !== 'running' && s !== 'degraded') await new Promise((res) => setTimeout(res, 200));
      }
      expect(s, log).to.equal('running');
      expect(await talk(echoPort, 'hello\n')).to.equal('hello\n');
    } finally {
      if (child?.pid) {
        // SIGTERM to the manager (the namespace's PID 1): it stops every unit and exits, and unshare with it.
        const kids = fs.readdirSync(`/proc/${child.pid}/task`).flatMap((t) => fs.readFileSync(`/proc/${child!.pid}/task/${t}/children`, 'utf8').split(/\s+/).filter(Boolean));
        for (const k of kids) process.kill(Number(k), 'SIGTERM');
        await new Promise((res) => (child!.exitCode !== null ? res(undefined) : child!.on('exit', res)));
      }
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

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
