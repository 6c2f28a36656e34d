/**
 * Checks manifests against the Kubernetes OpenAPI schemas, with kubernetes-models' validators
 * (ajv code generated from the API's OpenAPI document at build time of that package, shipped
 * in it: nothing is fetched). kubernetes-models is a development dependency: the tests use this,
 * the CLI never loads it. See README.md for why this package.
 */
import type { KubernetesObject } from './kubernetes-object.js';

/** One object that failed, and why. */
export interface ManifestProblem {
  kind: string;
  name: string;
  message: string;
}

/** A model class of kubernetes-models: construct from data, then validate() throws on a violation. */
type ModelClass = new (data: unknown) => { validate(): void };

/**
 * Validates each object against the schema of its apiVersion and kind; returns the problems
 * (empty when all are valid). An apiVersion/kind the schemas do not have is a problem too.
 */
export async function validateManifests(objects: readonly KubernetesObject[]): Promise<ManifestProblem[]> {
  const problems: ManifestProblem[] = [];
  for (const o of objects) {
    const name = o.metadata?.name ?? '';
    let Model: ModelClass | undefined;
    try {
      const mod = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`)) as Record<string, ModelClass>;
      Model = mod[o.kind];
    } catch (e) {
      problems.push({ kind: o.kind, name, message: `no schema for ${o.apiVersion} ${o.kind}: ${(e as Error).message}` });
      continue;
    }
    if (!Model) {
      problems.push({ kind: o.kind, name, message: `no schema for ${o.apiVersion} ${o.kind}` });
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push({ kind: o.kind, name, message: (e as Error).message });
    }
  }
  return problems;
}
