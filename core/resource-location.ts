import type { Finding, K8sResource } from './types.ts';

/** Where a finding about this resource points: its input, document, item and identity (every stage uses it). */
export function resourceLocation(r: K8sResource): Pick<Finding, 'source' | 'file' | 'docIndex' | 'itemIndex' | 'apiVersion' | 'kind' | 'namespace' | 'name'> {
  return {
    source: r.source,
    ...(r.file ? { file: r.file } : {}),
    docIndex: r.docIndex,
    ...(r.itemIndex !== undefined ? { itemIndex: r.itemIndex } : {}),
    apiVersion: r.apiVersion,
    kind: r.kind,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    name: r.name,
  };
}
