/**
 * `unitkitctl export kubernetes`: a unit set → Kubernetes manifests. Each root unit becomes a pod
 * (a Deployment, or a StatefulSet when its units keep state) whose only container runs unitkitd as
 * init on the root's units, mounted from a ConfigMap; each socket unit with ports other pods can
 * reach gets a Service; with `cronJobs`, self-contained timers become CronJobs. What does not map
 * goes to the report. See docs/kubernetes.md for the whole mapping.
 */
import type { IService } from 'kubernetes-models/v1/Service';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { UnitDefinition } from '@unitkit/unit-file';
import { localZoneName, unitNameType } from '@unitkit/unit-file';
import { readTimerSettings } from '@unitkit/plugin-timer';
import { ExportReport } from './export-report.js';
import { collectPods } from './unit-set.js';
import { dnsLabel, portName, unitObjectName } from './kubernetes-names.js';
import { mappedPorts, type MappedPort } from './socket-ports.js';
import { buildPod } from './pod-template.js';
import { exportDropIn, unitFilesOf } from './unit-files.js';
import { planCronJob } from './timer-cron-jobs.js';
import { ALWAYS_STUBBED } from './special-targets.js';
import { NAME_LABEL, podLabels, type KubernetesObject } from './kubernetes-object.js';

/** What to export and how. */
export interface KubernetesExportOptions {
  /** Where the unit files are read from (first match wins). */
  searchPath: string[];
  /** The units to export; one pod each. */
  roots: string[];
  /** The container image: the unitkit recipe (examples/container) with the units' programs. */
  image: string;
  /** The workload's name when there is one root (default: the root's name without its suffix). */
  name?: string;
  namespace?: string;
  /** Where the pod's unitkitd reads unit files: the ConfigMap's mount point. */
  unitDir: string;
  /** The port of unitkitd's health endpoint in the pod. */
  healthPort: number;
  /** `--health-units=` for unitkitd: readiness follows these units instead of the whole system. */
  healthUnits?: string[];
  /** Bytes added to the summed MemoryMax=/MemoryMin= for unitkitd itself. */
  managerMemory: number;
  /** The size of the volume that keeps StateDirectory= (a StatefulSet's claim). */
  stateSize: string;
  /** Turn self-contained timers into CronJobs. */
  cronJobs: boolean;
  /** The zone OnCalendar= values without one are in (default: this machine's). */
  localZone?: string;
  env?: NodeJS.ProcessEnv;
}

/** One manifest and the comment printed above it. */
export interface ExportDocument {
  object: KubernetesObject;
  comment?: string;
}

/** The manifests and the report. */
export interface KubernetesExport {
  documents: ExportDocument[];
  report: ExportReport;
}

/** Runs the export. Never throws for problems of the units: they are in the report. */
export function exportKubernetes(opts: KubernetesExportOptions): KubernetesExport {
  const report = new ExportReport();
  const pods = collectPods({ searchPath: opts.searchPath, roots: opts.roots, report, env: opts.env });
  const localZone = opts.localZone ?? localZoneName(opts.env);
  const configs: ExportDocument[] = [];
  const services: ExportDocument[] = [];
  const workloads: ExportDocument[] = [];
  const cronJobs: ExportDocument[] = [];
  const serviceNames = new Set<string>();
  const ns = opts.namespace ? { namespace: opts.namespace } : {};
  const podNames = new Set<string>();
  for (const pod of pods) {
    // A root that could not be loaded (reported) makes no pod.
    if (!pod.units.has(pod.root)) continue;
    let name = opts.name && pods.length === 1 ? dnsLabel(opts.name, 52) : unitObjectName(pod.root).slice(0, 52);
    for (let i = 2; podNames.has(name); i++) name = `${unitObjectName(pod.root).slice(0, 48)}-${i}`;
    podNames.add(name);

    if (opts.cronJobs) {
      for (const [unit] of [...pod.units]) {
        if (unitNameType(unit) !== 'timer') continue;
        const plan = planCronJob(pod, unit, localZone, report);
        if (!plan) continue;
        const serviceDef = pod.units.get(plan.service)!;
        pod.units.delete(unit);
        pod.units.delete(plan.service);
        const jobUnits = new Map<string, UnitDefinition>([[plan.service, serviceDef]]);
        // The job's pod ends when the service does, with its result as the exit status.
        const files = unitFilesOf(jobUnits, ALWAYS_STUBBED, report, [exportDropIn(plan.service, 'zz-unitkit-cronjob.conf', ['[Unit]', 'SuccessAction=exit', 'FailureAction=exit'])]);
        plan.schedules.forEach((s, i) => {
          // CronJob names share the pods' label namespace: a Service must never select a job's pod.
          // A root timer's pod is left empty (its service is self-contained): the job takes the pod's name.
          let jobName = unit === pod.root && i === 0 ? name : `${unitObjectName(unit).slice(0, 48)}${i > 0 ? `-${i + 1}` : ''}`;
          if (jobName !== name) for (let n = 2; podNames.has(jobName); n++) jobName = `${unitObjectName(unit).slice(0, 44)}-job-${n}`;
          podNames.add(jobName);
          const built = buildPod({
            name: jobName, namespace: opts.namespace, units: jobUnits, files, image: opts.image, unitDir: opts.unitDir, managerMemory: opts.managerMemory,
            args: ['--system', `--unit-path=${opts.unitDir}`, '--log-target=console', `--unit=${plan.service}`], ports: [], report,
          });
          built.spec.restartPolicy = 'Never';
          for (const o of built.objects) configs.push({ object: o as KubernetesObject, comment: `${o.kind === 'Secret' ? 'EnvironmentFile= files' : 'Unit files'} of the CronJob ${jobName}` });
          const cronJob: ICronJob = {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            metadata: { name: jobName, ...ns, labels: podLabels(jobName) },
            spec: {
              schedule: s.schedule,
              ...(s.timeZone ? { timeZone: s.timeZone } : {}),
              // A timer never starts its service again while it runs.
              concurrencyPolicy: 'Forbid',
              // Persistent=no: a run missed (the cluster could not start it) is not made up for.
              ...(plan.persistent ? {} : { startingDeadlineSeconds: Math.max(10, plan.accuracySec) }),
              jobTemplate: { spec: { backoffLimit: 0, template: { metadata: { labels: podLabels(jobName) }, spec: built.spec } } },
            },
          };
          cronJobs.push({ object: cronJob as KubernetesObject, comment: `${unit} → ${plan.service}` });
        });
      }
      if (pod.units.size === 0) continue;
    }

    const ports: MappedPort[] = [];
    for (const [unit, def] of pod.units) {
      if (unitNameType(unit) !== 'socket') continue;
      const mapped = mappedPorts(unit, def, report).filter((p) => !ports.some((q) => q.port === p.port && q.protocol === p.protocol));
      if (mapped.length === 0) continue;
      ports.push(...mapped);
      let svcName = unitObjectName(unit);
      if (serviceNames.has(svcName)) svcName = dnsLabel(`${name}-${svcName}`);
      serviceNames.add(svcName);
      const service: IService = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: svcName, ...ns, labels: podLabels(name) },
        spec: { selector: { [NAME_LABEL]: name }, ports: mapped.map((p) => ({ name: portName(p.protocol, p.port), port: p.port, targetPort: portName(p.protocol, p.port), protocol: p.protocol })) },
      };
      services.push({ object: service as KubernetesObject, comment: `${unit}: ${mapped.map((p) => p.listen).join(', ')}` });
    }

    const taken = ports.find((p) => p.port === opts.healthPort && p.protocol === 'TCP');
    if (taken) report.add('error', pod.root, taken.listen, `unitkitd's health endpoint needs port ${opts.healthPort} in the same pod; choose another with --health-port=`);
    const files = unitFilesOf(pod.units, pod.stubs, report);
    // An explicit unit path: the pod runs exactly the exported units (the image's entrypoint without one runs the bundled examples).
    const args = ['--system', `--unit-path=${opts.unitDir}`, '--log-target=console', `--health-listen=0.0.0.0:${opts.healthPort}`, `--unit=${pod.root}`];
    if (opts.healthUnits?.length) args.push(`--health-units=${opts.healthUnits.join(',')}`);
    const built = buildPod({
      name, namespace: opts.namespace, units: pod.units, files, image: opts.image, unitDir: opts.unitDir, managerMemory: opts.managerMemory,
      args, ports, healthPort: opts.healthPort, report,
    });
    const state = [...built.stateDirectories];
    for (const [unit, def] of pod.units) {
      if (unitNameType(unit) === 'timer' && readTimerSettings(def.sections.get('Timer')).persistent && !state.includes('systemd/timers')) state.push('systemd/timers');
    }
    for (const o of built.objects) configs.push({ object: o as KubernetesObject, comment: o.kind === 'Secret' ? `EnvironmentFile= files of ${name} (secret-looking names or unreadable by others)` : `${o.metadata?.name?.endsWith('-env') ? 'EnvironmentFile= files' : 'Unit files'} of ${name}` });
    const labels = podLabels(name);
    const comment = `${pod.root} and the ${pod.units.size - 1} unit(s) it pulls in, run by unitkitd as the pod's init`;
    if (state.length === 0) {
      const deployment: IDeployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, ...ns, labels },
        spec: {
          replicas: 1,
          // One machine's units: the old pod ends before the new one starts, as a restart of the manager would.
          strategy: { type: 'Recreate' },
          selector: { matchLabels: { [NAME_LABEL]: name } },
          template: { metadata: { labels }, spec: built.spec },
        },
      };
      workloads.push({ object: deployment as KubernetesObject, comment });
    } else {
      for (const d of state) built.spec.containers[0]!.volumeMounts!.push({ name: 'state', mountPath: `/var/lib/${d}`, subPath: d });
      const headless: IService = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: dnsLabel(`${name}-pods`), ...ns, labels },
        spec: { clusterIP: 'None', selector: { [NAME_LABEL]: name } },
      };
      services.push({ object: headless as KubernetesObject, comment: `The StatefulSet ${name}'s governing Service (pod DNS names)` });
      const statefulSet: IStatefulSet = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name, ...ns, labels },
        spec: {
          replicas: 1,
          serviceName: dnsLabel(`${name}-pods`),
          selector: { matchLabels: { [NAME_LABEL]: name } },
          template: { metadata: { labels }, spec: built.spec },
          volumeClaimTemplates: [{ metadata: { name: 'state' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: opts.stateSize } } } }],
        },
      };
      workloads.push({ object: statefulSet as KubernetesObject, comment: `${comment}; StateDirectory= ${state.map((d) => `/var/lib/${d}`).join(' ')} kept on a volume` });
    }
  }
  return { documents: [...configs, ...services, ...workloads, ...cronJobs], report };
}

