/**
 * The pod that runs one set of units: a single container whose first process is unitkitd
 * (`unitkitd --system --log-target=console --health-listen=…`, the container recipe's entrypoint,
 * with `--unit=` the root), the unit files mounted from a ConfigMap at the unit directory, the
 * EnvironmentFile= files mounted at their paths, resources summed from the services' settings,
 * health probes, and a grace period long enough for systemd's stop timeouts.
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { UnitDefinition } from '@unitkit/unit-file';
import { unitNameType } from '@unitkit/unit-file';
import type { ExportReport } from './export-report.js';
import type { MappedPort } from './socket-ports.js';
import { portName } from './kubernetes-names.js';
import { collectEnvironmentFiles } from './environment-files.js';
import { cpuQuantity, memoryQuantity, readUnitResources } from './resource-settings.js';
import { unitFilesConfigMapData, type UnitFile } from './unit-files.js';
import { podLabels } from './kubernetes-object.js';

/** What a ConfigMap may hold (etcd's object limit), less room for its metadata. */
const CONFIG_MAP_MAX = 1024 * 1024 - 16 * 1024;

/** systemd's DefaultTimeoutStopSec=, in seconds. */
const DEFAULT_STOP_TIMEOUT_SEC = 90;

/** The settings that sandbox a unit with namespaces and mounts, which need privileges in a container. */
const SANDBOX_KEYS = [
  'PrivateTmp', 'PrivateDevices', 'PrivateNetwork', 'PrivateUsers', 'PrivateMounts', 'PrivateIPC', 'ProtectSystem', 'ProtectHome', 'ProtectKernelTunables',
  'ProtectKernelModules', 'ProtectKernelLogs', 'ProtectControlGroups', 'ProtectProc', 'ProtectHostname', 'ProtectClock', 'ReadOnlyPaths', 'ReadWritePaths',
  'InaccessiblePaths', 'ExecPaths', 'NoExecPaths', 'BindPaths', 'BindReadOnlyPaths', 'TemporaryFileSystem', 'RootDirectory', 'RootImage', 'MountAPIVFS',
  'NetworkNamespacePath', 'IPCNamespacePath',
];

/** What one pod is made of. */
export interface PodInput {
  /** The object name of the pod's workload (and the prefix of its ConfigMaps). */
  name: string;
  namespace?: string;
  /** The units whose processes run in it (for resources, environment files, state, reports). */
  units: ReadonlyMap<string, UnitDefinition>;
  /** Its unit files. */
  files: readonly UnitFile[];
  /** unitkitd's arguments after the program name. */
  args: string[];
  image: string;
  /** Where the unit files are mounted. */
  unitDir: string;
  /** Bytes added to the summed memory for unitkitd itself. */
  managerMemory: number;
  ports: readonly MappedPort[];
  /** The health endpoint's port, or undefined for a pod without probes (a CronJob's). */
  healthPort?: number;
  report: ExportReport;
}

/** A pod: its spec, the ConfigMaps and Secret it mounts, and the state directories it needs kept. */
export interface PodOutput {
  spec: IPodSpec;
  objects: Array<IConfigMap | ISecret>;
  /** StateDirectory= names (relative to /var/lib) the pod's units keep. */
  stateDirectories: string[];
}

/** The last raw value of `key` in `section` (an empty assignment resets). */
function rawValue(def: UnitDefinition, section: string, key: string): string | undefined {
  let v: string | undefined;
  for (const a of def.assignments) if (a.section === section && a.key === key) v = a.value === '' ? undefined : a.value;
  return v;
}

/** The process section of a unit type, where resources and the exec context are. */
function processSection(unit: string): string | undefined {
  return ({ service: 'Service', socket: 'Socket' } as Record<string, string>)[unitNameType(unit) ?? ''];
}

/** Builds the pod. */
export function buildPod(input: PodInput): PodOutput {
  const { name, report } = input;
  const metadata = (suffix: string) => ({ name: `${name}-${suffix}`, ...(input.namespace ? { namespace: input.namespace } : {}), labels: podLabels(name) });
  const objects: Array<IConfigMap | ISecret> = [];
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];

  const unitData = unitFilesConfigMapData(input.files);
  const size = Object.values(unitData.data).reduce((n, t) => n + Buffer.byteLength(t), 0);
  if (size > CONFIG_MAP_MAX) report.add('error', name, '', `the unit files take ${size} bytes, more than a ConfigMap holds (1 MiB); export fewer units per pod`);
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('units'), data: unitData.data });
  volumes.push({ name: 'units', configMap: { name: `${name}-units`, items: unitData.items } });
  mounts.push({ name: 'units', mountPath: input.unitDir, readOnly: true });

  const env = collectEnvironmentFiles(input.units, report);
  if (Object.keys(env.configData).length > 0) {
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata('env'), data: env.configData });
    volumes.push({ name: 'env', configMap: { name: `${name}-env` } });
  }
  if (Object.keys(env.secretData).length > 0) {
    objects.push({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: metadata('env'), data: env.secretData });
    volumes.push({ name: 'env-secret', secret: { secretName: `${name}-env` } });
  }
  for (const m of env.mounts) mounts.push({ name: m.secret ? 'env-secret' : 'env', mountPath: m.path, subPath: m.key, readOnly: true });

  // Resources: the container holds every unit, so its limit is the sum of theirs, and exists only
  // when every service has one (one unlimited service makes the container unlimited).
  let memoryMax = 0;
  let memoryAll = true;
  let memoryAny = false;
  let memoryRequest = 0;
  let cpu = 0;
  let cpuAll = true;
  let cpuAny = false;
  let stopTimeout = DEFAULT_STOP_TIMEOUT_SEC;
  const stateDirectories: string[] = [];
  let services = 0;
  const noMemory: string[] = [];
  const noCpu: string[] = [];
  for (const [unit, def] of input.units) {
    const section = processSection(unit);
    if (!section) continue;
    const r = readUnitResources(unit, def, section, report);
    const sandbox = SANDBOX_KEYS.map((key) => [key, rawValue(def, section, key)] as const).filter(([, v]) => v !== undefined && v !== 'no' && v !== 'false');
    if (sandbox.length > 0) {
      report.add('note', unit, sandbox.map(([k, v]) => `${k}=${v}`).join(' '), `${sandbox.length > 1 ? 'need' : 'needs'} mount or namespace privileges that an unprivileged container lacks: give the container CAP_SYS_ADMIN (securityContext) or drop ${sandbox.length > 1 ? 'them' : 'it'}`);
    }
    const kill = rawValue(def, section, 'KillMode');
    if (kill && kill !== 'control-group') report.add('does-not-map', unit, `KillMode=${kill}`, 'holds when the unit stops inside the pod, but when the pod ends the container runtime kills every process left, after terminationGracePeriodSeconds');
    const user = rawValue(def, section, 'User');
    if (user && !/^(root|0)$/.test(user)) report.add('note', unit, `User=${user}`, 'the image must have this user (DynamicUser= needs none)');
    const dirs = rawValue(def, section, 'StateDirectory');
    if (dirs) for (const d of dirs.split(/\s+/)) if (d) stateDirectories.push(d.split(':')[0]!);
    if (section !== 'Service') continue;
    services++;
    if (r.memoryMax !== undefined && r.memoryMax !== Infinity) {
      memoryMax += r.memoryMax;
      memoryAny = true;
    } else {
      memoryAll = false;
      noMemory.push(unit);
    }
    if (r.memoryRequest !== undefined) memoryRequest += r.memoryRequest;
    if (r.cpuQuota !== undefined) {
      cpu += r.cpuQuota;
      cpuAny = true;
    } else {
      cpuAll = false;
      noCpu.push(unit);
    }
    const svc = def.sections.get('Service');
    const t = (svc?.get('TimeoutStopSec') ?? svc?.get('TimeoutSec')) as number | undefined;
    if (t === Infinity) report.add('does-not-map', unit, 'TimeoutStopSec=infinity', 'a pod\'s grace period is finite; it is set to one hour');
    if (t !== undefined) stopTimeout = Math.max(stopTimeout, t === Infinity ? 3600 : Math.ceil(t / 1e6));
  }
  if (memoryAny) for (const unit of noMemory) report.add('note', unit, '', 'has no MemoryMax=, so the container gets no memory limit (it is the sum over every service)');
  if (cpuAny) for (const unit of noCpu) report.add('note', unit, '', 'has no CPUQuota=, so the container gets no CPU limit (it is the sum over every service)');
  const resources: NonNullable<IContainer['resources']> = {};
  if (services > 0 && memoryAll && memoryAny) resources.limits = { memory: memoryQuantity(memoryMax + input.managerMemory) };
  if (services > 0 && cpuAll && cpuAny) resources.limits = { ...resources.limits, cpu: cpuQuantity(cpu) };
  if (memoryRequest > 0) {
    // A request above the limit is refused by the API server: a MemoryMin= above its MemoryMax= is capped, as the kernel caps it.
    const limit = resources.limits?.memory !== undefined ? memoryMax + input.managerMemory : Infinity;
    resources.requests = { memory: memoryQuantity(Math.min(memoryRequest + input.managerMemory, limit)) };
  }

  const container: IContainer = {
    name: 'unitkitd',
    image: input.image,
    command: ['unitkitd', ...input.args],
    volumeMounts: mounts,
  };
  if (input.ports.length > 0) container.ports = input.ports.map((p) => ({ name: portName(p.protocol, p.port), containerPort: p.port, protocol: p.protocol }));
  if (input.healthPort !== undefined) {
    container.ports = [...(container.ports ?? []), { name: 'health', containerPort: input.healthPort, protocol: 'TCP' }];
    container.livenessProbe = { httpGet: { path: '/livez', port: 'health' }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 };
    container.readinessProbe = { httpGet: { path: '/readyz', port: 'health' }, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 1 };
    container.startupProbe = { httpGet: { path: '/livez', port: 'health' }, periodSeconds: 2, failureThreshold: 30 };
  }
  if (resources.limits || resources.requests) container.resources = resources;
  const spec: IPodSpec = {
    containers: [container],
    volumes,
    // The manager stops units in dependency order, each within its TimeoutStopSec=; leave it the longest of them and a margin.
    terminationGracePeriodSeconds: stopTimeout + 10,
  };
  return { spec, objects, stateDirectories: [...new Set(stateDirectories)] };
}
