/**
 * Resource names (`cpu`, `memory`, `hugepages-2Mi`, `nvidia.com/gpu`, `requests.storage`…) and the
 * classes the API server sorts them into: standard, container, quota, native vs extended, integer,
 * overcommittable.
 */
import { isQualifiedName } from './formats.ts';
import { memoizedPerString } from '../../core/string-memo.ts';

const STANDARD = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const QUOTA = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const CONTAINER = new Set(['cpu', 'memory', 'ephemeral-storage']);
const INTEGER = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

export const isHugePages = (n: string) => n.startsWith('hugepages-');
const isQuotaHugePages = (n: string) => n.startsWith('hugepages-') || n.startsWith('requests.hugepages-');
export const isStandardResourceName = (n: string) => STANDARD.has(n) || isQuotaHugePages(n);
export const isStandardQuotaResourceName = (n: string) => QUOTA.has(n) || isQuotaHugePages(n);
export const isStandardContainerResourceName = (n: string) => CONTAINER.has(n) || isHugePages(n);
/** Unprefixed, or in the kubernetes.io/ namespace. */
export const isNativeResource = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');
/** A vendor resource such as `nvidia.com/gpu` (not native, usable as `requests.<name>` in a quota). */
export const isExtendedResourceName = (n: string) => !isNativeResource(n) && !n.startsWith('requests.') && isQualifiedName(`requests.${n}`).length === 0;
export const isIntegerResourceName = (n: string) => INTEGER.has(n) || isExtendedResourceName(n);
/** Requests may be below limits: native resources except huge pages. */
export const isOvercommitAllowed = (n: string) => isNativeResource(n) && !isHugePages(n);

/** The server's validateResourceName: a qualified name, and a standard one unless it is prefixed. */
export function resourceNameProblems(n: string): string[] {
  const q = isQualifiedName(n);
  if (q.length) return [...q];
  if (!n.includes('/') && !isStandardResourceName(n)) return ['must be a standard resource type or fully qualified'];
  return [];
}

/**
 * validateContainerResourceName: resourceNameProblems plus container-specific classes. Answers are kept
 * per name (every container names the same few: cpu, memory) and frozen: callers only read the list.
 */
export const containerResourceNameProblems: (n: string) => readonly string[] = memoizedPerString((n) => Object.freeze(containerResourceNameCheck(n)), { maxEntries: 1024 });

function containerResourceNameCheck(n: string): string[] {
  const errs = resourceNameProblems(n);
  if (!n.includes('/')) {
    if (!isStandardContainerResourceName(n)) errs.push('must be a standard resource for containers');
  } else if (!isNativeResource(n) && !isExtendedResourceName(n)) errs.push("doesn't follow extended resource name standard");
  return errs;
}
