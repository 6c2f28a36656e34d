import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exportKubernetes, type KubernetesExportOptions } from './kubernetes-export.js';
import type { KubernetesObject } from './kubernetes-object.js';
import { validateManifests } from './manifest-validation.js';
import { runExport } from './export-command.js';

/** A unit directory with a web app (socket, service with state and limits), a database in a pod of its own, and a backup timer. */
function fixture(): { dir: string; files: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'unitkit-export-'));
  const dir = path.join(root, 'units');
  const files = path.join(root, 'etc');
  fs.mkdirSync(dir);
  fs.mkdirSync(files);
  fs.writeFileSync(path.join(files, 'web.env'), 'GREETING=hello\n');
  fs.writeFileSync(path.join(files, 'api-token.env'), 'TOKEN=s3cr3t\n');
  fs.writeFileSync(path.join(files, 'private.env'), 'A=1\n', { mode: 0o600 });
  fs.chmodSync(path.join(files, 'private.env'), 0o600);
  const w = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  w('app.target', '[Unit]\nDescription=The app\nWants=web.socket\nRequires=db.service\n');
  w('web.socket', '[Socket]\nListenStream=8000\nListenDatagram=0.0.0.0:5353\nListenStream=127.0.0.1:9000\nListenStream=/run/web.sock\n');
  w('web.service', [
    '[Unit]', 'Requires=web.socket',
    '[Service]', 'ExecStart=/usr/bin/web', 'MemoryMax=256M', 'MemoryMin=64M', 'CPUQuota=150%', 'MemoryHigh=200M', 'KillMode=process',
    'StateDirectory=web', 'TimeoutStopSec=2min', 'Environment=DB_PASSWORD=x MODE=prod',
    `EnvironmentFile=${files}/web.env`, `EnvironmentFile=-${files}/api-token.env`, `EnvironmentFile=-${files}/private.env`, `EnvironmentFile=-${files}/missing.env`,
    '',
  ].join('\n'));
  w('web.service.d/override.conf', '[Service]\nEnvironment=EXTRA=1\n');
  w('metrics.service', '[Service]\nExecStart=/usr/bin/metrics\n');
  fs.mkdirSync(path.join(dir, 'app.target.wants'));
  fs.symlinkSync('../metrics.service', path.join(dir, 'app.target.wants', 'metrics.service'));
  w('db.service', '[Service]\nExecStart=/usr/bin/db\nMemoryMax=1G\n');
  w('chat.socket', '[Socket]\nListenStream=0.0.0.0:7000\nAccept=yes\n');
  w('chat@.service', '[Service]\nExecStart=/usr/bin/chat\nStandardInput=socket\n');
  w('backup.timer', '[Timer]\nOnCalendar=Mon..Fri 02:30 UTC\nOnBootSec=10min\nPersistent=yes\n');
  w('backup.service', '[Service]\nType=oneshot\nExecStart=/usr/bin/backup\n');
  w('report.timer', '[Timer]\nOnCalendar=*-*-* *:*:30\n');
  w('report.service', '[Service]\nType=oneshot\nExecStart=/usr/bin/report\n');
  w('jobs.target', '[Unit]\nWants=app.timer\n');
  w('app.timer', '[Timer]\nOnCalendar=daily\n');
  w('app.service', '[Service]\nType=oneshot\nExecStart=/usr/bin/app-job\n');
  w('data.mount', '[Mount]\nWhat=/dev/sdb1\nWhere=/data\n');
  w('uses-data.service', '[Unit]\nRequires=data.mount\n[Service]\nExecStart=/usr/bin/x\n');
  return { dir, files };
}

const base = (dir: string, roots: string[], extra: Partial<KubernetesExportOptions> = {}): KubernetesExportOptions => ({
  searchPath: [dir], roots, image: 'example/app:1', unitDir: '/etc/systemd/system', healthPort: 8080, managerMemory: 64 * 1024 * 1024, stateSize: '1Gi', cronJobs: false, localZone: 'UTC', ...extra,
});

const find = (objects: KubernetesObject[], kind: string, name: string) => {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  expect(o, `${kind} ${name}`).to.not.equal(undefined);
  return o as any;
};

describe('exportKubernetes', () => {
  let fx: { dir: string; files: string };
  before(() => {
    fx = fixture();
  });
  after(() => fs.rmSync(path.dirname(fx.dir), { recursive: true, force: true }));

  it('makes one pod per root: a StatefulSet for units with StateDirectory=, a Deployment otherwise, every object valid', async () => {
    // db.service first: app.target's Requires= would pull it into app's pod otherwise.
    const { documents, report } = exportKubernetes(base(fx.dir, ['db.service', 'app.target', 'chat.socket']));
    const objects = documents.map((d) => d.object);
    expect(await validateManifests(objects)).to.deep.equal([]);
    const app = find(objects, 'StatefulSet', 'app');
    expect(find(objects, 'Deployment', 'db').spec.strategy).to.deep.equal({ type: 'Recreate' });
    find(objects, 'Deployment', 'chat');
    expect(app.spec.serviceName).to.equal('app-pods');
    find(objects, 'Service', 'app-pods');
    const c = app.spec.template.spec.containers[0];
    expect(c.image).to.equal('example/app:1');
    expect(c.command).to.deep.equal(['unitkitd', '--system', '--unit-path=/etc/systemd/system', '--log-target=console', '--health-listen=0.0.0.0:8080', '--unit=app.target']);
    expect(c.readinessProbe.httpGet).to.deep.equal({ path: '/readyz', port: 'health' });
    expect(c.livenessProbe.httpGet).to.deep.equal({ path: '/livez', port: 'health' });
    expect(c.volumeMounts).to.deep.include({ name: 'state', mountPath: '/var/lib/web', subPath: 'web' });
    expect(app.spec.template.spec.terminationGracePeriodSeconds).to.equal(130);
    expect(report.hasErrors).to.equal(false);
  });

  it('copies the unit files, drop-ins and stub targets into a ConfigMap, .wants links as a drop-in', () => {
    const { documents } = exportKubernetes(base(fx.dir, ['app.target']));
    const objects = documents.map((d) => d.object);
    const cm = find(objects, 'ConfigMap', 'app-units');
    const set = find(objects, 'StatefulSet', 'app');
    const items: Array<{ key: string; path: string }> = set.spec.template.spec.volumes.find((v: any) => v.name === 'units').configMap.items;
    const byPath = Object.fromEntries(items.map((i) => [i.path, cm.data[i.key]]));
    expect(Object.keys(byPath)).to.include.members(['app.target', 'web.socket', 'web.service', 'web.service.d/override.conf', 'metrics.service', 'db.service', 'sysinit.target', 'basic.target', 'shutdown.target', 'sockets.target']);
    expect(byPath['web.service.d/override.conf']).to.equal('[Service]\nEnvironment=EXTRA=1\n');
    expect(byPath['app.target.d/zz-unitkit-export-links.conf']).to.match(/^Wants=metrics\.service$/m);
    expect(byPath['basic.target']).to.match(/DefaultDependencies=no/);
  });

  it('sums MemoryMax=, MemoryMin= and CPUQuota= into the container resources, with the manager\'s share', () => {
    const { documents } = exportKubernetes(base(fx.dir, ['web.service']));
    const c = find(documents.map((d) => d.object), 'StatefulSet', 'web').spec.template.spec.containers[0];
    // web.service alone: 256M + 64Mi; MemoryMin=64M + 64Mi requested; 150% → 1500m.
    expect(c.resources).to.deep.equal({ limits: { memory: '320Mi', cpu: '1500m' }, requests: { memory: '128Mi' } });
    const db = exportKubernetes(base(fx.dir, ['db.service'])).documents.map((d) => d.object);
    expect(find(db, 'Deployment', 'db').spec.template.spec.containers[0].resources).to.deep.equal({ limits: { memory: '1088Mi' } });
  });

  it('publishes inet ports of socket units as a Service with the right protocol, reporting loopback and unix sockets', () => {
    const { documents, report } = exportKubernetes(base(fx.dir, ['web.socket']));
    const objects = documents.map((d) => d.object);
    const svc = find(objects, 'Service', 'web');
    expect(svc.spec.selector).to.deep.equal({ 'app.kubernetes.io/name': 'web' });
    expect(svc.spec.ports).to.deep.equal([
      { name: 'tcp-8000', port: 8000, targetPort: 'tcp-8000', protocol: 'TCP' },
      { name: 'udp-5353', port: 5353, targetPort: 'udp-5353', protocol: 'UDP' },
    ]);
    const ports = find(objects, 'StatefulSet', 'web').spec.template.spec.containers[0].ports;
    expect(ports.map((p: any) => p.name)).to.deep.equal(['tcp-8000', 'udp-5353', 'health']);
    // The health endpoint must not share a port with a socket of the pod.
    const clash = exportKubernetes(base(fx.dir, ['web.socket'], { healthPort: 8000 })).report;
    expect(clash.format()).to.include("web.socket: ListenStream=8000: error: unitkitd's health endpoint needs port 8000 in the same pod; choose another with --health-port=");
    const lines = report.format().join('\n');
    expect(lines).to.match(/web\.socket: ListenStream=127\.0\.0\.1:9000: does-not-map: listens on loopback/);
    expect(lines).to.match(/web\.socket: ListenStream=\/run\/web\.sock: does-not-map: .*inside the pod only/);
  });

  it('reports what does not map: Requires= across pods, Accept=yes, KillMode=, MemoryHigh=, secret-looking Environment=', () => {
    const { report } = exportKubernetes(base(fx.dir, ['db.service', 'app.target', 'chat.socket']));
    const lines = report.format().join('\n');
    expect(lines).to.match(/app\.target: Requires=db\.service: does-not-map: db\.service runs in the pod of db\.service/);
    expect(lines).to.match(/chat\.socket: Accept=yes: does-not-map/);
    expect(lines).to.match(/web\.service: KillMode=process: does-not-map/);
    expect(lines).to.match(/web\.service: MemoryHigh=200M: does-not-map/);
    expect(lines).to.match(/web\.service: Environment=DB_PASSWORD=…: note/);
  });

  it('mounts EnvironmentFile= files at their paths: secret-looking or private ones from a Secret, the others from a ConfigMap', () => {
    const { documents, report } = exportKubernetes(base(fx.dir, ['web.service']));
    const objects = documents.map((d) => d.object);
    const cm = find(objects, 'ConfigMap', 'web-env');
    const secret = find(objects, 'Secret', 'web-env');
    expect(Object.values(cm.data)).to.deep.equal(['GREETING=hello\n']);
    expect(Object.values(secret.data).map((v) => Buffer.from(v as string, 'base64').toString())).to.have.members(['TOKEN=s3cr3t\n', 'A=1\n']);
    const mounts = find(objects, 'StatefulSet', 'web').spec.template.spec.containers[0].volumeMounts;
    expect(mounts).to.deep.include({ name: 'env', mountPath: `${fx.files}/web.env`, subPath: Object.keys(cm.data)[0], readOnly: true });
    expect(mounts.filter((m: any) => m.name === 'env-secret').map((m: any) => m.mountPath)).to.have.members([`${fx.files}/api-token.env`, `${fx.files}/private.env`]);
    expect(report.format().join('\n')).to.match(/missing\.env: note: does not exist here; not mounted/);
  });

  it('with cronJobs, makes a self-contained timer with a cron-expressible OnCalendar= a CronJob whose unitkitd exits with the service', async () => {
    const { documents, report } = exportKubernetes(base(fx.dir, ['backup.timer', 'report.timer'], { cronJobs: true }));
    const objects = documents.map((d) => d.object);
    expect(await validateManifests(objects)).to.deep.equal([]);
    const job = find(objects, 'CronJob', 'backup');
    expect(job.spec).to.deep.include({ schedule: '30 2 * * 1,2,3,4,5', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid' });
    expect(job.spec).to.not.have.property('startingDeadlineSeconds');
    const pod = job.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).to.equal('Never');
    expect(pod.containers[0].command).to.deep.equal(['unitkitd', '--system', '--unit-path=/etc/systemd/system', '--log-target=console', '--unit=backup.service']);
    expect(pod.containers[0]).to.not.have.property('readinessProbe');
    const cm = find(objects, 'ConfigMap', 'backup-units');
    expect(cm.data['backup.service.d_zz-unitkit-cronjob.conf']).to.match(/SuccessAction=exit\nFailureAction=exit/);
    expect(cm.data).to.not.have.property('backup.timer');
    // report.timer elapses at :30 seconds: it stays in a pod of its own.
    find(objects, 'Deployment', 'report');
    const lines = report.format().join('\n');
    expect(lines).to.match(/backup\.timer: OnBootSec=10min: does-not-map/);
    expect(lines).to.match(/report\.timer: OnCalendar=\*-\*-\* \*:\*:30: does-not-map: not expressible in cron/);
    expect(lines).to.match(/report\.timer: note: stays in the pod/);
  });

  it('leaves out unit types a pod has no place for, saying what to use', () => {
    const { documents, report } = exportKubernetes(base(fx.dir, ['uses-data.service']));
    expect(report.format()).to.include('uses-data.service: Requires=data.mount: does-not-map: data.mount: a pod mounts volumes, not mount units (use a volume in the manifest); it is left out');
    const cm = documents.find((d) => d.object.kind === 'ConfigMap')!.object as any;
    expect(Object.keys(cm.data)).to.not.include('data.mount');
  });

  it('never gives a CronJob the name of a pod, so that Services select only the pod', () => {
    const { documents } = exportKubernetes(base(fx.dir, ['backup.timer', 'app.target', 'jobs.target'], { cronJobs: true }));
    const names = documents.filter((d) => ['CronJob', 'Deployment', 'StatefulSet'].includes(d.object.kind)).map((d) => `${d.object.kind}/${d.object.metadata?.name}`);
    // backup.timer was a root: its CronJob takes the pod's name. app.timer's would be "app", the name of app.target's pod.
    expect(names).to.deep.equal(['StatefulSet/app', 'Deployment/jobs', 'CronJob/backup', 'CronJob/app-job-2']);
  });

  it('reports a unit that is not there as an error', () => {
    const { documents, report } = exportKubernetes(base(fx.dir, ['nope.service']));
    expect(report.hasErrors).to.equal(true);
    expect(report.format()).to.deep.include('nope.service: error: nope.service is not found in the unit path; it is left out');
    expect(documents).to.deep.equal([]);
  });
});

describe('runExport (unitkitctl export)', () => {
  let fx: { dir: string; files: string };
  before(() => {
    fx = fixture();
  });
  after(() => fs.rmSync(path.dirname(fx.dir), { recursive: true, force: true }));

  const run = (argv: string[]) => {
    let out = '';
    const err: string[] = [];
    const rc = runExport(argv, {}, { out: (t) => (out += t), err: (l) => err.push(l) }, 1000);
    return { rc, out, err };
  };

  it('prints multi-document YAML that parses back to valid objects, the report on stderr', async () => {
    const { rc, out, err } = run(['kubernetes', `--unit-path=${fx.dir}`, '--image=registry.example/app:2', '--namespace=apps', 'app.target']);
    expect(rc).to.equal(0);
    const docs = parseAllDocuments(out).map((d) => d.toJS() as KubernetesObject);
    expect(docs.map((d) => d.kind)).to.include.members(['ConfigMap', 'Secret', 'Service', 'StatefulSet']);
    expect(docs.every((d) => d.metadata?.namespace === 'apps')).to.equal(true);
    expect(await validateManifests(docs)).to.deep.equal([]);
    expect(out).to.match(/^# Generated by unitkitctl export kubernetes app\.target/);
    expect(out).to.not.match(/&a1|\*a1/);
    expect(err.join('\n')).to.match(/does-not-map/);
  });

  it('takes unit files by path, and writes the report into --report=FILE', () => {
    const reportFile = path.join(path.dirname(fx.dir), 'report.txt');
    const { rc, out, err } = run(['kubernetes', `--report=${reportFile}`, path.join(fx.dir, 'web.socket')]);
    expect(rc).to.equal(0);
    expect(out).to.match(/kind: StatefulSet/);
    expect(err).to.deep.equal([]);
    expect(fs.readFileSync(reportFile, 'utf8')).to.match(/web\.socket: ListenStream=127\.0\.0\.1:9000/);
  });

  it('refuses bad options and unknown targets with a message and status 1', () => {
    expect(run(['nomad']).err).to.deep.equal(["unitkitctl export: unknown target 'nomad' (kubernetes is the one there is)"]);
    expect(run(['kubernetes', '--bogus']).rc).to.equal(1);
    expect(run(['kubernetes', '--health-port=0']).err[0]).to.match(/bad --health-port/);
    expect(run(['kubernetes', '--name=x', 'a.service', 'b.service']).err[0]).to.match(/--name needs exactly one unit/);
    expect(run(['kubernetes', '--namespace=Bad_NS']).err[0]).to.match(/bad --namespace/);
    expect(run([]).rc).to.equal(1);
    expect(run(['kubernetes', `--unit-path=${fx.dir}`, 'nope.service']).err).to.deep.equal(['nope.service: error: nope.service is not found in the unit path; it is left out', 'unitkitctl export: nothing to export']);
    expect(run(['--help']).out).to.match(/^unitkitctl export kubernetes/);
  });
});
