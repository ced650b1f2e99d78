/**
 * The API-validation stage: after the schema stage, every object is checked against the rules the
 * kube-apiserver applies on create (pkg/apis/<group>/validation), the warnings it returns, and the
 * failures its controllers would hit later (a StatefulSet whose pods can never be created). Pure: no
 * I/O; one pass per object over its already-parsed value.
 */
import type { Finding, K8sResource } from '../../core/types.ts';
import { resourceLocation } from '../../core/resource-location.ts';
import { parseKubeMinor } from '../kube/deprecations.ts';
import { groupOf, validateObjectMeta } from './meta.ts';
import { Reporter, type ApiIssue } from './report.ts';
import { KIND_VALIDATORS, type StageOptions } from './kinds.ts';
import { buildInventory, validateClusterReferences, type InventoryObject } from './cluster-refs.ts';
import { arr, isObj, obj, str } from './values.ts';
import { withoutTurbofan } from '../../util/tiering.ts';

export type { StageOptions };

export const DEFAULT_API_KUBE_VERSION = '1.36';

function toFinding(r: K8sResource, i: ApiIssue): Finding {
  return {
    policyId: i.ruleId,
    severity: i.severity,
    message: i.message,
    ...resourceLocation(r),
    jsonPointer: i.pointer,
    ...(i.hint ? { hint: i.hint } : {}),
  };
}

/** The API server's verdict on one object, as issues. */
export function validateObject(object: Record<string, unknown>, apiVersion: string, kind: string, opts: StageOptions): ApiIssue[] {
  const rep = new Reporter(opts.minor);
  validateObjectMeta(rep, object, { apiVersion, kind });
  const validator = KIND_VALIDATORS[`${apiVersion}/${kind}`] ?? KIND_VALIDATORS[`${groupOf(apiVersion)}/any/${kind}`];
  validator?.(rep, object, opts);
  if (opts.cluster) validateClusterReferences(rep, kind, object, opts.cluster);
  return rep.issues;
}

export interface ApiStageOptions {
  kubeVersion?: string;
  /** Cluster service CIDR(s) (kube-apiserver --service-cluster-ip-range), for fixed clusterIPs. */
  serviceClusterIPRange?: string;
  /** Cluster node port range (--service-node-port-range), default 30000-32767. */
  serviceNodePortRange?: string;
  /**
   * Objects that already exist on the target cluster (`--cluster-objects`; `kind: List` documents are
   * expanded). When given, a pod's RuntimeClass, PriorityClass and ServiceAccount must be among them or
   * in the render; `[]` describes a new, empty cluster.
   */
  clusterObjects?: readonly unknown[];
}

function inventoryObjects(raw: readonly unknown[]): InventoryObject[] {
  const out: InventoryObject[] = [];
  for (const o of raw) {
    if (!isObj(o)) continue;
    if (str(o.kind) === 'List' || (str(o.kind)?.endsWith('List') && Array.isArray(o.items))) {
      out.push(...inventoryObjects(arr(o.items)));
      continue;
    }
    const meta = obj(o.metadata);
    const apiVersion = str(o.apiVersion);
    const kind = str(o.kind);
    const name = str(meta?.name);
    if (!apiVersion || !kind || !name) continue;
    const namespace = str(meta?.namespace);
    out.push({ apiVersion, kind, name, ...(namespace !== undefined ? { namespace } : {}), object: o });
  }
  return out;
}

export function resolveStageOptions(o: ApiStageOptions): StageOptions {
  const minor = parseKubeMinor(o.kubeVersion ?? DEFAULT_API_KUBE_VERSION);
  const [lo, hi] = (o.serviceNodePortRange ?? '30000-32767').split('-').map((x) => Number(x.trim()));
  return { minor, nodePortRange: [lo ?? 30000, hi ?? lo ?? 32767], ...(o.serviceClusterIPRange ? { serviceClusterIPRanges: o.serviceClusterIPRange.split(',').map((s) => s.trim()) } : {}) };
}

/**
 * Up to this many objects the stage runs with TurboFan held back (util/tiering.ts); past it, the optimized
 * code pays for its compilation. Measured on the bench's Deployments + Services (2-core VM, stage wall /
 * process CPU, held back vs not): 4k 97 / 100 ms vs 150 / 230 ms (whole run: wall −5 %, CPU −16 %);
 * 10k 212 / 214 ms vs 220 / 370 ms; 20k 420 / 420 ms vs 278 / 450 ms.
 */
export const API_STAGE_HOLD_BACK_UP_TO = 10_000;

export function runApiStage(resources: readonly K8sResource[], o: ApiStageOptions = {}): Finding[] {
  const base = resolveStageOptions(o);
  // Helm creates RuntimeClasses, PriorityClasses and ServiceAccounts before the pods that use them.
  const opts: StageOptions = { ...base, cluster: buildInventory([...inventoryObjects(o.clusterObjects ?? []), ...resources], o.clusterObjects !== undefined) };
  const run = (): Finding[] => {
    const findings: Finding[] = [];
    for (const r of resources) {
      try {
        for (const i of validateObject(r.object, r.apiVersion, r.kind, opts)) findings.push(toFinding(r, i));
      } catch (err) {
        // Deeply nested garbage is a finding, not a crash.
        if (!(err instanceof RangeError)) throw err;
      }
    }
    return findings;
  };
  return resources.length <= API_STAGE_HOLD_BACK_UP_TO ? withoutTurbofan(run) : run();
}
