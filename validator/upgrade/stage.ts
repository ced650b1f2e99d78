/**
 * The upgrade stage: pairs the objects of the previous release with the new render by identity and
 * reports every update the API server would refuse, at the field of the new manifest that causes it.
 * Per pair:
 *   live  = the previous manifest + server defaults + what the server set (allocations, generated
 *           selectors, admission);
 *   next  = live patched with the change from the previous manifest to the new one (three-way merge,
 *           merge.ts), or the new manifest as written (`replace`), then defaulted and put through the
 *           server's update-time fix-ups;
 *   rules = the kind's ValidateXxxUpdate checks (rules/), comparing live and next.
 * Helm hooks are skipped: Helm deletes and re-creates them instead of updating them. Pure.
 */
import type { Finding, K8sResource } from '../../core/types.ts';
import { resourceLocation } from '../../core/resource-location.ts';
import { escapePointerSegment } from '../../core/json-pointer.ts';
import { applyServerDefaults } from './defaults.ts';
import { identityOf, typeKeyOf } from './identity.ts';
import { clone, isObject, type JsonObject, type Path } from './json.ts';
import { threeWayMerge } from './merge.ts';
import { rulesFor, UPGRADE_RULES } from './rules/index.ts';
import { DEFAULT_FACTS, populateLive, serverUpdate, type ClusterFacts } from './server.ts';
import type { UpgradeStrategy } from './types.ts';

export interface UpgradeStageOptions {
  /** Namespace of objects without one (the release namespace). */
  namespace: string;
  /** Target Kubernetes version (`1.32`, `v1.32.4`); default 1.36. */
  kubeVersion?: string;
  strategy?: UpgradeStrategy;
  /** StorageClasses known to allow expansion (besides StorageClass objects in the render). */
  expandableStorageClasses?: readonly string[];
  defaultStorageClass?: string;
  serviceIPFamily?: 'IPv4' | 'IPv6';
  /** How messages name the previous release, e.g. `nexus 0.1.0 (oci://…)`. */
  previousLabel?: string;
}

export interface UpgradeStageResult {
  findings: Finding[];
  /** Objects present in both renders (and checked). */
  updated: number;
  /** Objects only in the new render (created by the upgrade). */
  created: number;
  /** Objects only in the previous render (deleted by the upgrade). */
  deleted: number;
  /** Helm hooks, which Helm re-creates rather than updates. */
  hooks: number;
}

const HOOK = 'helm.sh/hook';

function isHook(r: K8sResource): boolean {
  const meta = r.object.metadata;
  return isObject(meta) && isObject(meta.annotations) && typeof meta.annotations[HOOK] === 'string';
}

export function kubeMinorOf(kubeVersion: string | undefined): number {
  const m = /^v?1\.(\d+)/.exec(kubeVersion ?? '');
  return m ? Number(m[1]) : 36;
}

/** Facts from the flags, then from StorageClass objects in the renders (the new render wins). */
export function clusterFacts(options: UpgradeStageOptions, previous: readonly K8sResource[], current: readonly K8sResource[]): ClusterFacts {
  const expandable = new Set(options.expandableStorageClasses ?? []);
  const fixed = new Set<string>();
  let defaultClass = options.defaultStorageClass;
  const seen = new Set<string>();
  for (const r of [...current, ...previous]) {
    if (typeKeyOf(r.apiVersion, r.kind) !== 'storage.k8s.io/StorageClass' || seen.has(r.name)) continue;
    seen.add(r.name);
    if (r.object.allowVolumeExpansion === true) {
      expandable.add(r.name);
      fixed.delete(r.name);
    } else {
      fixed.add(r.name);
      expandable.delete(r.name);
    }
    const annotations = isObject(r.object.metadata) && isObject(r.object.metadata.annotations) ? r.object.metadata.annotations : {};
    if (defaultClass === undefined && annotations['storageclass.kubernetes.io/is-default-class'] === 'true') defaultClass = r.name;
  }
  return { ...DEFAULT_FACTS, expandableStorageClasses: expandable, fixedStorageClasses: fixed, serviceIPFamily: options.serviceIPFamily ?? 'IPv4', ...(defaultClass !== undefined ? { defaultStorageClass: defaultClass } : {}) };
}

/** The pointer of `path` in `manifest`, cut at the deepest field the manifest has. */
export function manifestPointer(manifest: unknown, path: Path): string {
  let cur: unknown = manifest;
  let out = '';
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number' && seg < cur.length) cur = cur[seg];
    else if (isObject(cur) && typeof seg === 'string' && cur[seg] !== undefined) cur = cur[seg];
    else break;
    out += `/${escapePointerSegment(seg)}`;
  }
  return out;
}

/** The object the server holds before the upgrade and the one it validates after the patch. */
export function updatePair(typeKey: string, previous: JsonObject, manifest: JsonObject, facts: ClusterFacts, strategy: UpgradeStrategy): { live: JsonObject; next: JsonObject } {
  const live = clone(previous);
  populateLive(typeKey, live, facts);
  applyServerDefaults(typeKey, live);
  const builtIn = !typeKey.includes('.') || /\.k8s\.io\//.test(typeKey);
  // The merge shares unchanged subtrees with its inputs: give it copies, so that `live` stays as it was.
  const next = strategy === 'replace' ? clone(manifest) : threeWayMerge(clone(previous), clone(manifest), clone(live), builtIn);
  applyServerDefaults(typeKey, next);
  serverUpdate(typeKey, next, live);
  return { live, next };
}

export function checkUpgrade(previous: readonly K8sResource[], current: readonly K8sResource[], options: UpgradeStageOptions): UpgradeStageResult {
  const facts = clusterFacts(options, previous, current);
  const kubeMinor = kubeMinorOf(options.kubeVersion);
  const strategy = options.strategy ?? 'merge';
  const before = new Map<string, K8sResource>();
  let hooks = 0;
  for (const r of previous) {
    if (isHook(r)) continue;
    before.set(identityOf(r, options.namespace), r);
  }
  const findings: Finding[] = [];
  let updated = 0;
  let created = 0;
  const matched = new Set<string>();
  for (const r of current) {
    if (isHook(r)) {
      hooks++;
      continue;
    }
    const id = identityOf(r, options.namespace);
    const old = before.get(id);
    if (!old) {
      created++;
      continue;
    }
    matched.add(id);
    updated++;
    const typeKey = typeKeyOf(r.apiVersion, r.kind);
    const rules = rulesFor(typeKey);
    if (!rules.length) continue;
    const { live, next } = updatePair(typeKey, old.object as JsonObject, r.object as JsonObject, facts, strategy);
    for (const rule of rules) {
      for (const v of rule.check({ typeKey, live, next, previous: old.object as JsonObject, manifest: r.object as JsonObject, facts, kubeMinor, strategy })) {
        findings.push({
          policyId: rule.meta.id,
          severity: v.severity ?? 'error',
          message: `${v.message} (upgrading from ${options.previousLabel ?? old.source})`,
          hint: v.hint,
          ...resourceLocation(r),
          jsonPointer: manifestPointer(r.object, v.path),
        });
      }
    }
  }
  return { findings, updated, created, deleted: before.size - matched.size, hooks };
}

/** Rule metadata for reports (SARIF rules, docs). */
export function upgradeRuleMetas() {
  return UPGRADE_RULES.map((r) => r.meta);
}
