/**
 * Rendering the real chart with real helm, and reading the result as Kubernetes objects.
 * Shared by every chart test (test/charts/**); other tiers' tests reuse renderChart and the
 * selector/pod helpers. Helm comes from .tools/ (see validator/helm.ts); a missing helm fails
 * with an install hint, it never skips.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { locateHelm, runHelm, type HelmFlavour, type HelmResult } from '../../validator/helm.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { CLOUDNATIVEPG_API_VERSIONS } from '../helpers/database-mode.ts';

export type { HelmFlavour };

/** API groups of the CRD-based objects the charts gate on `.Capabilities.APIVersions.Has`. */
export const CRD_API_VERSIONS = [
  'autoscaling.k8s.io/v1',
  'monitoring.coreos.com/v1',
  'configuration.konghq.com/v1',
  'cert-manager.io/v1',
  'gateway.networking.k8s.io/v1',
  'external-secrets.io/v1',
] as const;

export const ENV_FILES = ['values.staging.yaml', 'values.production.yaml'] as const;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface RenderedDoc {
  /** Template path from helm's `# Source:` comment, e.g. `nexus/charts/frontend/templates/deployment.yaml`. */
  source: string;
  object: K8sObject;
}

export interface RenderOptions {
  helm?: HelmFlavour;
  /** Paths relative to the project root (or absolute). */
  valuesFiles?: string[];
  /** `--set key=value` pairs. */
  set?: Record<string, string | number | boolean>;
  /** Values given as an object (written to a temp values file, after valuesFiles). */
  valuesJson?: Record<string, unknown>;
  /** `--api-versions` entries (e.g. CRD_API_VERSIONS). */
  apiVersions?: readonly string[];
  releaseName?: string;
  namespace?: string;
  kubeVersion?: string;
  chartDir?: string;
  /** A cluster without the overlays' database operator (by default an overlay render gets its APIs). */
  withoutDatabaseOperator?: boolean;
}

export function templateArgs(o: RenderOptions): string[] {
  const args = ['template', o.releaseName ?? 'nexus', o.chartDir ?? UMBRELLA_CHART_DIR, '--namespace', o.namespace ?? 'nexus-platform'];
  for (const f of o.valuesFiles ?? []) args.push('--values', resolve(PROJECT_ROOT, f));
  if (o.valuesJson) {
    const file = join(mkdtempSync(join(tmpdir(), 'nexus-values-')), 'values.json');
    writeFileSync(file, JSON.stringify(o.valuesJson));
    args.push('--values', file);
  }
  for (const [k, v] of Object.entries(o.set ?? {})) args.push('--set', `${k}=${String(v)}`);
  // A cluster the overlays install on runs their database's operator (database.mode cloudnativepg): it
  // serves the operator's APIs whatever else a test says it serves.
  const overlay = !o.withoutDatabaseOperator && (o.valuesFiles ?? []).some((f) => /(^|\/)values\.(production|staging)\.yaml$/.test(f));
  for (const a of new Set([...(overlay ? CLOUDNATIVEPG_API_VERSIONS : []), ...(o.apiVersions ?? [])])) args.push('--api-versions', a);
  if (o.kubeVersion) args.push('--kube-version', o.kubeVersion);
  return args;
}

/** Runs helm (helm 4 by default) with an isolated HELM_* environment. */
export async function helm(flavour: HelmFlavour, args: string[]): Promise<HelmResult> {
  const bin = await locateHelm(undefined, flavour);
  return runHelm(bin, args);
}

/** `helm template` output as text; throws with helm's stderr when helm fails. */
export async function renderText(options: RenderOptions = {}): Promise<string> {
  const result = await helm(options.helm ?? 'helm4', templateArgs(options));
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return result.stdout;
}

/** Splits a helm manifest stream into documents, each parsed strictly (duplicate keys are errors). */
export function parseManifests(text: string): RenderedDoc[] {
  const docs: RenderedDoc[] = [];
  for (const chunk of text.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? '';
    const object = parse(chunk, { uniqueKeys: true, maxAliasCount: 0 }) as K8sObject | null;
    if (object === null || object === undefined) continue;
    if (typeof object !== 'object' || !object.kind || !object.apiVersion) throw new Error(`document from ${source || '(unknown)'} is not a Kubernetes object`);
    docs.push({ source, object });
  }
  return docs;
}

/** Renders the umbrella chart and returns the parsed documents. */
export async function renderChart(options: RenderOptions = {}): Promise<RenderedDoc[]> {
  return parseManifests(await renderText(options));
}

// ---------------------------------------------------------------------------------------------
// Reading rendered objects.

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
export const POD_OWNER_KINDS = new Set([...WORKLOAD_KINDS, 'Job', 'CronJob', 'Pod']);

export interface PodTemplate {
  labels: Record<string, string>;
  spec: PodSpec;
}

export interface Container {
  name: string;
  image?: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: Record<string, unknown>;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  [key: string]: unknown;
}

/** The pod template of anything that makes pods (a bare Pod is its own template). */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  if (o.kind === 'Pod') return { labels: o.metadata.labels ?? {}, spec: spec as PodSpec };
  if (o.kind === 'CronJob') {
    const t = spec.jobTemplate?.spec?.template;
    return t ? { labels: t.metadata?.labels ?? {}, spec: t.spec } : undefined;
  }
  if (POD_OWNER_KINDS.has(o.kind)) {
    const t = spec.template;
    return t ? { labels: t.metadata?.labels ?? {}, spec: t.spec } : undefined;
  }
  return undefined;
}

export function componentOf(o: K8sObject): string | undefined {
  return o.metadata.labels?.['app.kubernetes.io/component'];
}

export function ofKind(docs: RenderedDoc[], kind: string): K8sObject[] {
  return docs.map((d) => d.object).filter((o) => o.kind === kind);
}

export function isHook(o: K8sObject): boolean {
  return Boolean(o.metadata.annotations?.['helm.sh/hook']);
}

// ---------------------------------------------------------------------------------------------
// Label selectors, with exact Kubernetes semantics.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/**
 * metav1.LabelSelector semantics: matchLabels and matchExpressions are ANDed; an empty selector
 * ({}) matches everything; a null/absent selector matches nothing (the caller decides what absent
 * means, e.g. NetworkPolicy's podSelector is required and `{}` means all pods).
 */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (selector === null || selector === undefined) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!values.length) throw new Error(`matchExpressions ${req.key} In needs values`);
        if (!has || !values.includes(labels[req.key]!)) return false;
        break;
      case 'NotIn':
        if (!values.length) throw new Error(`matchExpressions ${req.key} NotIn needs values`);
        if (has && values.includes(labels[req.key]!)) return false;
        break;
      case 'Exists':
        if (values.length) throw new Error(`matchExpressions ${req.key} Exists takes no values`);
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (values.length) throw new Error(`matchExpressions ${req.key} DoesNotExist takes no values`);
        if (has) return false;
        break;
      default:
        throw new Error(`unknown label selector operator ${String((req as { operator: unknown }).operator)}`);
    }
  }
  return true;
}

/** NetworkPolicies (in the pod's namespace) whose podSelector selects a pod with these labels. */
export function policiesSelecting(docs: RenderedDoc[], podLabels: Record<string, string>, namespace: string): K8sObject[] {
  return ofKind(docs, 'NetworkPolicy').filter(
    (np) => (np.metadata.namespace ?? namespace) === namespace && selectorMatches((np.spec as { podSelector?: LabelSelector }).podSelector, podLabels),
  );
}

/** Every NetworkPolicy peer (`from`/`to` entry) with its direction, for rule inspection. */
export function networkPeers(np: K8sObject): { direction: 'ingress' | 'egress'; peer: { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: unknown }; ports: unknown[] }[] {
  const spec = np.spec as { ingress?: { from?: unknown[]; ports?: unknown[] }[]; egress?: { to?: unknown[]; ports?: unknown[] }[] };
  const out: ReturnType<typeof networkPeers> = [];
  for (const rule of spec.ingress ?? []) for (const peer of rule.from ?? []) out.push({ direction: 'ingress', peer: peer as never, ports: rule.ports ?? [] });
  for (const rule of spec.egress ?? []) for (const peer of rule.to ?? []) out.push({ direction: 'egress', peer: peer as never, ports: rule.ports ?? [] });
  return out;
}

// ---------------------------------------------------------------------------------------------
// kubernetes-models@5.1.0: the floor schema check (type, required, enum, format).

/** CRD groups kubernetes-models does not ship; objects of these groups are excluded from the floor check. */
export const CRD_GROUPS = new Set(['autoscaling.k8s.io', 'monitoring.coreos.com', 'configuration.konghq.com', 'cert-manager.io', 'gateway.networking.k8s.io', 'external-secrets.io', 'postgresql.cnpg.io', 'barmancloud.cnpg.io']);

export function apiGroupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * The kubernetes-models class for an apiVersion/kind (`apps/v1` + `Deployment` →
 * kubernetes-models/apps/v1/Deployment), or undefined when the package has none.
 */
export async function kubernetesModelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return undefined;
  try {
    const mod = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/** Validates one object; returns the error message, or undefined when valid. Unknown kinds are errors. */
export async function kubernetesModelError(o: K8sObject): Promise<string | undefined> {
  const Model = await kubernetesModelFor(o.apiVersion, o.kind);
  if (!Model) return `kubernetes-models@5.1.0 has no model for ${o.apiVersion} ${o.kind}`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicy evaluation (networking.k8s.io/v1 semantics), over the rendered policies only.

export interface Endpoint {
  namespace: string;
  /** Labels of the namespace (`kubernetes.io/metadata.name` is added automatically). */
  namespaceLabels?: Record<string, string>;
  labels: Record<string, string>;
  /** Named container ports of the pod (for policies that use port names). */
  namedPorts?: Record<string, number>;
}

interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: unknown;
}
interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: string[];
  ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
}

function namespaceLabelsOf(e: Endpoint): Record<string, string> {
  return { ...(e.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': e.namespace };
}

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist. */
function policyTypesOf(spec: NetworkPolicySpec): string[] {
  return spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

function peerMatches(peer: NetworkPolicyPeer, other: Endpoint, policyNamespace: string): boolean {
  if (peer.ipBlock) return false; // pod IPs are not known statically: an ipBlock never names a pod here
  const namespaceOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, namespaceLabelsOf(other)) : other.namespace === policyNamespace;
  const podOk = peer.podSelector ? selectorMatches(peer.podSelector, other.labels) : true;
  return namespaceOk && podOk;
}

function portMatches(ports: NetworkPolicyPort[] | undefined, port: number, protocol: string, destination: Endpoint): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return destination.namedPorts?.[p.port] === port;
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

function selectingPolicies(docs: RenderedDoc[], e: Endpoint, type: 'Ingress' | 'Egress', defaultNamespace: string): { ns: string; spec: NetworkPolicySpec }[] {
  return ofKind(docs, 'NetworkPolicy')
    .map((np) => ({ ns: np.metadata.namespace ?? defaultNamespace, spec: np.spec as unknown as NetworkPolicySpec }))
    .filter((p) => p.ns === e.namespace && policyTypesOf(p.spec).includes(type) && selectorMatches(p.spec.podSelector, e.labels));
}

/**
 * Whether the rendered NetworkPolicies let `source` open a connection to `destination` on a port:
 * the source's egress (if any policy isolates it) and the destination's ingress (likewise) must both
 * allow it. Only policies in the rendered manifests count; other namespaces are taken as unisolated.
 */
export function allowsFlow(docs: RenderedDoc[], source: Endpoint, destination: Endpoint, port: number, protocol = 'TCP', defaultNamespace = source.namespace): boolean {
  const egress = selectingPolicies(docs, source, 'Egress', defaultNamespace);
  const egressOk =
    egress.length === 0 ||
    egress.some((p) => (p.spec.egress ?? []).some((rule) => (!rule.to || rule.to.length === 0 || rule.to.some((peer) => peerMatches(peer, destination, p.ns))) && portMatches(rule.ports, port, protocol, destination)));
  const ingress = selectingPolicies(docs, destination, 'Ingress', defaultNamespace);
  const ingressOk =
    ingress.length === 0 ||
    ingress.some((p) => (p.spec.ingress ?? []).some((rule) => (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerMatches(peer, source, p.ns))) && portMatches(rule.ports, port, protocol, destination)));
  return egressOk && ingressOk;
}

/** The pod of a component as a network endpoint (labels and named ports from its pod template). */
export function endpointOf(docs: RenderedDoc[], component: string, namespace: string): Endpoint | undefined {
  for (const { object } of docs) {
    const t = podTemplateOf(object);
    if (!t || t.labels['app.kubernetes.io/component'] !== component) continue;
    const namedPorts: Record<string, number> = {};
    for (const c of [...(t.spec.initContainers ?? []), ...t.spec.containers]) {
      for (const p of (c.ports as { name?: string; containerPort: number }[] | undefined) ?? []) if (p.name) namedPorts[p.name] = p.containerPort;
    }
    return { namespace: object.metadata.namespace ?? namespace, labels: t.labels, namedPorts };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Quantities.

const QUANTITY_SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes resource quantity (`250m`, `1.5`, `512Mi`, `1e3`) as a number of base units. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q.trim());
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2]);
  return base * QUANTITY_SUFFIX[m[3] ?? '']!;
}

// ---------------------------------------------------------------------------------------------
// References to other objects (what must exist for a pod to start or an Ingress to serve TLS).

type Any = Record<string, any>;

export interface Reference {
  kind: 'Secret' | 'ConfigMap' | 'ServiceAccount';
  name: string;
  /** Keys read from it (secretKeyRef, volume items); empty when the whole object is used. */
  keys?: string[];
  from: string;
}

/** Every Secret/ConfigMap/ServiceAccount name an object makes the API server or kubelet look for. */
export function references(o: K8sObject): Reference[] {
  const from = `${o.kind}/${o.metadata.name}`;
  const out: Reference[] = [];
  const t = podTemplateOf(o);
  if (t) {
    const spec = t.spec as Any;
    if (spec.serviceAccountName) out.push({ kind: 'ServiceAccount', name: spec.serviceAccountName, from });
    for (const s of spec.imagePullSecrets ?? []) out.push({ kind: 'Secret', name: s.name, from });
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) out.push({ kind: 'Secret', name: e.valueFrom.secretKeyRef.name, keys: [e.valueFrom.secretKeyRef.key], from });
        if (e.valueFrom?.configMapKeyRef && !e.valueFrom.configMapKeyRef.optional) out.push({ kind: 'ConfigMap', name: e.valueFrom.configMapKeyRef.name, from });
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef && !e.secretRef.optional) out.push({ kind: 'Secret', name: e.secretRef.name, from });
        if (e.configMapRef && !e.configMapRef.optional) out.push({ kind: 'ConfigMap', name: e.configMapRef.name, from });
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret && !v.secret.optional) out.push({ kind: 'Secret', name: v.secret.secretName, keys: (v.secret.items ?? []).map((i: Any) => i.key), from });
      if (v.configMap && !v.configMap.optional) out.push({ kind: 'ConfigMap', name: v.configMap.name, from });
      for (const s of v.projected?.sources ?? []) {
        if (s.secret && !s.secret.optional) out.push({ kind: 'Secret', name: s.secret.name, keys: (s.secret.items ?? []).map((i: Any) => i.key), from });
        if (s.configMap && !s.configMap.optional) out.push({ kind: 'ConfigMap', name: s.configMap.name, from });
      }
    }
  }
  if (o.kind === 'Ingress') for (const tls of (o.spec as Any).tls ?? []) if (tls.secretName) out.push({ kind: 'Secret', name: tls.secretName, from });
  // Operator and controller objects that name Secrets outside any pod spec.
  const spec = (o.spec ?? {}) as Any;
  if (o.kind === 'Cluster' && o.apiVersion.startsWith('postgresql.cnpg.io/')) {
    // The owner's basic-auth Secret (initdb or recovery), and an import source's password.
    const boot = spec.bootstrap?.initdb ?? spec.bootstrap?.recovery;
    if (boot?.secret?.name) out.push({ kind: 'Secret', name: boot.secret.name, keys: ['username', 'password'], from });
    for (const c of spec.externalClusters ?? []) if (c.password?.name) out.push({ kind: 'Secret', name: c.password.name, keys: [c.password.key], from });
  }
  if (o.kind === 'ObjectStore' && o.apiVersion.startsWith('barmancloud.cnpg.io/')) {
    const creds = spec.configuration?.s3Credentials ?? {};
    for (const k of ['accessKeyId', 'secretAccessKey']) if (creds[k]?.name) out.push({ kind: 'Secret', name: creds[k].name, keys: [creds[k].key], from });
  }
  if (o.kind === 'KongPlugin') for (const p of (o as Any).configPatches ?? []) if (p.valueFrom?.secretKeyRef) out.push({ kind: 'Secret', name: p.valueFrom.secretKeyRef.name, keys: [p.valueFrom.secretKeyRef.key], from });
  // The chart's consumers use key-auth credentials: the key is in `key`.
  if (o.kind === 'KongConsumer') for (const name of (o as Any).credentials ?? []) out.push({ kind: 'Secret', name, keys: ['key'], from });
  return out;
}

