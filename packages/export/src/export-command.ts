/**
 * The `unitkitctl export` verb: options, unit path, output and exit status. It reads unit files
 * only — no manager needs to run — and prints the manifests on stdout, the report on stderr (or
 * into `--report=FILE`). Exit status 0, or 1 when a unit could not be read or the options are bad.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { searchPath } from '@unitkit/unit-file';
import { exportKubernetes } from './kubernetes-export.js';
import { parseMemoryOption } from './resource-settings.js';
import { manifestsYaml } from './yaml-manifests.js';

/** Where the verb writes. */
export interface ExportIo {
  /** The manifests (text, written as is). */
  out(text: string): void;
  /** One line of the report or an error. */
  err(line: string): void;
}

/** The image the container recipe builds by default (examples/container). */
export const DEFAULT_IMAGE = 'unitkit-examples:latest';

/** The text of `unitkitctl export --help`. */
export const exportHelp = `unitkitctl export kubernetes [OPTIONS...] [UNIT|FILE...]

Print Kubernetes manifests (multi-document YAML) that run the units under unitkitd as a pod's
init: a Deployment (a StatefulSet when units have StateDirectory=) per UNIT with the units it pulls
in, their files in a ConfigMap, a Service per socket unit with inet ports, probes on unitkitd's
health endpoint, resources from MemoryMax=/MemoryMin=/CPUQuota=, EnvironmentFile= files in a
ConfigMap or Secret. What does not map is reported on stderr. Reads unit files only; no manager
needs to run. Without UNIT: default.target. A FILE (a path with '/') adds its directory to the
front of the unit path.

Options:
  --unit-path=DIR[:DIR...]   Where unit files are read (default: $UNITKIT_UNIT_PATH, else the
                             --user or --system search path; a trailing ':' appends it)
  --user | --system          Which default search path (default: --system for root)
  --image=NAME               The container image (default: ${DEFAULT_IMAGE})
  --name=NAME                The workload's name (one UNIT only; default: UNIT without suffix)
  --namespace=NS             Put every object in this namespace
  --unit-dir=DIR             Where the pod reads unit files (default: /etc/systemd/system)
  --health-port=PORT         unitkitd's health endpoint in the pod (default: 8080)
  --health-units=U,...       Readiness follows these units (unitkitd --health-units=)
  --manager-memory=SIZE      Added to summed memory for unitkitd itself (default: 64Mi)
  --state-size=SIZE          The StatefulSet's volume for StateDirectory= (default: 1Gi)
  --cron-jobs                Turn self-contained timers with OnCalendar= into CronJobs
  --report=FILE              Write the report into FILE instead of stderr
  -q --quiet                 Do not print the report (errors still set the exit status)
  --no-pager                 Accepted; the output is never paged
  -h --help                  Show this help`;

/** Runs `unitkitctl export ARGS…` (`argv` is what follows `export`); returns the exit status. */
export function runExport(argv: string[], env: NodeJS.ProcessEnv, io: ExportIo, uid: number = process.getuid?.() ?? 0): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        'unit-path': { type: 'string' },
        user: { type: 'boolean' },
        system: { type: 'boolean' },
        image: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
        'unit-dir': { type: 'string' },
        'health-port': { type: 'string' },
        'health-units': { type: 'string' },
        'manager-memory': { type: 'string' },
        'state-size': { type: 'string' },
        'cron-jobs': { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        // systemctl's options that make sense here too: the output is never paged; -q drops the report.
        'no-pager': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
  } catch (e) {
    io.err(`unitkitctl export: ${(e as Error).message}`);
    return 1;
  }
  const o = parsed.values;
  if (o.help) {
    io.out(`${exportHelp}\n`);
    return 0;
  }
  const [target, ...units] = parsed.positionals;
  if (target === undefined) {
    io.err('unitkitctl export: which target? kubernetes');
    return 1;
  }
  if (target !== 'kubernetes' && target !== 'k8s') {
    io.err(`unitkitctl export: unknown target '${target}' (kubernetes is the one there is)`);
    return 1;
  }
  const fail = (message: string) => {
    io.err(`unitkitctl export: ${message}`);
    return 1;
  };
  if (o.user && o.system) return fail('--user and --system exclude each other');
  const scope = o.user ? 'user' : o.system ? 'system' : uid === 0 ? 'system' : 'user';
  const healthPort = Number(o['health-port'] ?? 8080);
  if (!Number.isInteger(healthPort) || healthPort < 1 || healthPort > 65535) return fail(`bad --health-port: ${o['health-port']}`);
  let managerMemory: number;
  try {
    managerMemory = parseMemoryOption(o['manager-memory'] ?? '64Mi');
  } catch (e) {
    return fail(`bad --manager-memory: ${(e as Error).message}`);
  }
  const stateSize = o['state-size'] ?? '1Gi';
  if (!/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(stateSize)) return fail(`bad --state-size: ${stateSize}`);
  const unitDir = o['unit-dir'] ?? '/etc/systemd/system';
  if (!path.isAbsolute(unitDir)) return fail(`--unit-dir must be absolute: ${unitDir}`);
  if (o.name !== undefined && units.length > 1) return fail('--name needs exactly one unit');
  if (o.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(o.namespace)) return fail(`bad --namespace: ${o.namespace} (a DNS label: lowercase letters, digits, '-')`);

  const pathEnv = { ...env };
  if (o['unit-path'] !== undefined) pathEnv.UNITKIT_UNIT_PATH = o['unit-path'];
  const dirs = searchPath(scope, pathEnv);
  const roots: string[] = [];
  const fileDirs: string[] = [];
  for (const u of units) {
    if (u.includes('/')) {
      const abs = path.resolve(u);
      if (!fs.existsSync(abs)) return fail(`${u}: no such file`);
      if (!fileDirs.includes(path.dirname(abs))) fileDirs.push(path.dirname(abs));
      roots.push(path.basename(abs));
    } else roots.push(u);
  }
  if (roots.length === 0) roots.push('default.target');

  const result = exportKubernetes({
    searchPath: [...fileDirs, ...dirs],
    roots,
    image: o.image ?? DEFAULT_IMAGE,
    name: o.name,
    namespace: o.namespace,
    unitDir,
    healthPort,
    healthUnits: o['health-units']?.split(',').filter(Boolean),
    managerMemory,
    stateSize,
    cronJobs: o['cron-jobs'] ?? false,
    env,
  });
  if (result.documents.length > 0) io.out(manifestsYaml(result.documents, `Generated by unitkitctl export kubernetes ${roots.join(' ')}`));
  const lines = result.report.format();
  if (o.report !== undefined) {
    try {
      fs.writeFileSync(o.report, lines.map((l) => `${l}\n`).join(''));
    } catch (e) {
      return fail(`cannot write the report: ${(e as Error).message}`);
    }
  } else if (!o.quiet) for (const l of lines) io.err(l);
  if (result.documents.length === 0) return fail('nothing to export');
  return result.report.hasErrors ? 1 : 0;
}
