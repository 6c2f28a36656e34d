/**
 * EnvironmentFile= files: the pod's unit files name them by path, so the export reads each file
 * now and mounts it at the same path (a subPath mount of one key). Which object holds a file:
 *   - a Secret when its name looks secret — it contains `secret`, `token`, `password`, `passwd`,
 *     `credential`, `key`, `cert`, `.pem` or `auth` (case-insensitive) — or when the file is not
 *     readable by everyone (mode without o+r): its owner meant to keep it;
 *   - a ConfigMap otherwise.
 * A file that does not exist now is not mounted: with `-` (optional) unitkitd in the pod skips it
 * as systemd does; without, the unit fails there as it would here, which the report says.
 */
import * as fs from 'node:fs';
import type { UnitDefinition } from '@unitkit/unit-file';
import type { ExportReport } from './export-report.js';
import { KeyAllocator } from './kubernetes-names.js';

/** Words in a file name that make it a Secret. */
const SECRET_NAME = /secret|token|passw(or)?d|credential|key|cert|\.pem$|auth/i;

/** Environment variable names whose values look secret. */
const SECRET_VARIABLE = /SECRET|TOKEN|PASSW(OR)?D|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH/i;

/** One file to mount into the container. */
export interface MountedFile {
  /** Absolute path in the container, as the unit names it. */
  path: string;
  /** The key in the ConfigMap or Secret. */
  key: string;
  secret: boolean;
}

/** The files of one pod, by holder. */
export interface EnvironmentFiles {
  /** key → content, for the ConfigMap. */
  configData: Record<string, string>;
  /** key → base64 content, for the Secret. */
  secretData: Record<string, string>;
  mounts: MountedFile[];
}

/** True when a file at `path` should go into a Secret (see the rule above). */
export function isSecretFile(path: string, mode: number): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return SECRET_NAME.test(base) || (mode & 0o004) === 0;
}

/** Reads every EnvironmentFile= of the pod's units (all sections that take one). */
export function collectEnvironmentFiles(units: ReadonlyMap<string, UnitDefinition>, report: ExportReport): EnvironmentFiles {
  const out: EnvironmentFiles = { configData: {}, secretData: {}, mounts: [] };
  const configKeys = new KeyAllocator();
  const secretKeys = new KeyAllocator();
  for (const [name, def] of units) {
    for (const [, section] of def.sections) {
      for (const a of (section.get('Environment') as string[] | undefined) ?? []) {
        const variable = a.slice(0, a.indexOf('='));
        if (SECRET_VARIABLE.test(variable)) report.add('note', name, `Environment=${variable}=…`, 'looks secret but stays in clear text in the unit files\' ConfigMap; move it to an EnvironmentFile= with a secret-looking name to make it a Secret');
      }
      for (const spec of (section.get('EnvironmentFile') as Array<{ path: string; optional: boolean }> | undefined) ?? []) {
        if (out.mounts.some((m) => m.path === spec.path)) continue;
        const setting = `EnvironmentFile=${spec.optional ? '-' : ''}${spec.path}`;
        let st: fs.Stats;
        let content: Buffer;
        try {
          st = fs.statSync(spec.path);
          content = fs.readFileSync(spec.path);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (spec.optional && code === 'ENOENT') report.add('note', name, setting, 'does not exist here; not mounted (optional, as in the pod)');
          else report.add('does-not-map', name, setting, `cannot be read here (${code ?? (e as Error).message}); not mounted: the unit fails to start in the pod unless the image has it`);
          continue;
        }
        const secret = isSecretFile(spec.path, st.mode);
        if (secret) {
          const key = secretKeys.key(spec.path);
          out.secretData[key] = content.toString('base64');
          out.mounts.push({ path: spec.path, key, secret });
        } else {
          const key = configKeys.key(spec.path);
          out.configData[key] = content.toString('utf8');
          out.mounts.push({ path: spec.path, key, secret });
        }
      }
    }
  }
  return out;
}
