/**
 * @unitkit/export — turns a set of unit files into manifests for an orchestrator whose pods run
 * unitkitd as init: Kubernetes today (`unitkitctl export kubernetes`). See README.md.
 */
export { runExport, exportHelp, DEFAULT_IMAGE, type ExportIo } from './export-command.js';
export { exportKubernetes, type KubernetesExportOptions, type KubernetesExport, type ExportDocument } from './kubernetes-export.js';
export { ExportReport, type ReportEntry, type ReportLevel } from './export-report.js';
export { manifestsYaml } from './yaml-manifests.js';
export { cronSchedule, type CronResult } from './cron-schedule.js';
export type { KubernetesObject } from './kubernetes-object.js';
export { validateManifests, type ManifestProblem } from './manifest-validation.js';
