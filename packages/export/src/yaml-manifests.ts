/**
 * The manifests as one multi-document YAML stream, as `kubectl apply -f -` reads it, written by the
 * `yaml` package (block literals for the unit files, so they read as the files they are).
 */
import { Document } from 'yaml';
import type { ExportDocument } from './kubernetes-export.js';

/** The YAML text of `documents`, each with its comment, `header` above the first. */
export function manifestsYaml(documents: readonly ExportDocument[], header?: string): string {
  return documents
    .map((d, i) => {
      // No anchors and aliases: objects that share a labels object print it twice, as kubectl prints them.
      const doc = new Document(d.object, { aliasDuplicateObjects: false });
      const lines = [...(i === 0 && header ? [header, ''] : []), ...(d.comment ? [d.comment] : [])];
      if (lines.length) doc.commentBefore = lines.map((l) => (l ? ` ${l}` : '')).join('\n');
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
