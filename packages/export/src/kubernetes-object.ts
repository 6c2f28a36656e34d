/**
 * The shape every manifest an export prints has in common. The builders type each object with
 * kubernetes-models' interfaces (a misspelt or misplaced field does not compile); this is what
 * the package hands out, so that its users need no Kubernetes types.
 */

/** One Kubernetes object: apiVersion, kind, metadata and the rest. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** The label that ties a pod to its workload and Services. */
export const NAME_LABEL = 'app.kubernetes.io/name';

/** The labels of every object of one pod. */
export function podLabels(name: string): Record<string, string> {
  return { [NAME_LABEL]: name, 'app.kubernetes.io/managed-by': 'unitkitctl-export' };
}
