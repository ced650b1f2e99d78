/**
 * The validate pipeline (DESIGN §5):
 *   values check (Zod, positions) ─┐
 *   helm lint --strict ────────────┤  per values file, all helm processes in parallel
 *   helm template ─▶ split/parse ──┴▶ Kubernetes schema (strict) ─▶ policies ─▶ deep checks ─▶ report
 * or, for manifest inputs (files, directories, stdin), parse ─▶ schema ─▶ policies ─▶ report.
 *
 * Heavy modules (zod + the model, kubernetes-models validators, ajv, policies) are imported only when
 * needed, after helm has been spawned, so that their load time overlaps the renders.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { ENVIRONMENT_VALUES, PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../util/paths.ts';
import { helmForRun, locateHelm } from './helm.ts';
import { readManifestInputs, readProcessStdin } from './inputs.ts';
import { helmLint } from './lint.ts';
import { parseManifests } from './manifests.ts';
import { chartFile, helmTemplate, type Render } from './render.ts';
import { buildReport, type Report, type ResourceResult } from './report.ts';
import { fallbackRule, STAGE_RULES, type RuleMeta } from './rules.ts';
import { templateLine } from './template-lines.ts';
import type { Finding, K8sResource, ResourceStatus } from '../core/types.ts';
import { readValuesFile } from './values-file.ts';
import type { LocatedYaml } from './yaml-source.ts';

/** CRD-backed API groups the NEXUS charts gate on `.Capabilities.APIVersions.Has`; the default run renders them. */
export const NEXUS_DEFAULT_API_VERSIONS = ['monitoring.coreos.com/v1', 'autoscaling.k8s.io/v1', 'configuration.konghq.com/v1'];

export interface ValidateOptions {
  version: string;
  /** Values files; default: the environment overlays (umbrella chart) or the chart's defaults. */
  valuesFiles?: string[];
  chartDir?: string;
  /** Manifest files, directories or `-`: validate these instead of rendering a chart. */
  manifests?: string[];
  readStdin?: () => Promise<string>;
  helmPath?: string;
  releaseName?: string;
  namespace?: string;
  /** Target Kubernetes version (helm `--kube-version`, deprecation table). */
  kubeVersion?: string;
  /** helm `--api-versions`; also marks APIs the target cluster serves. */
  apiVersions?: string[];
  /** Strict unknown-field checks (default true). */
  strict?: boolean;
  crdFiles?: string[];
  schemaLocations?: string[];
  ignoreMissingSchemas?: boolean;
  /** Run helm lint (default true in chart mode). */
  lint?: boolean;
  /** Run the policy stage (default true). */
  policies?: boolean;
  /** Run the deep checks (real tools). */
  deep?: boolean;
  /** Policy config file; default: `.nexus-policy.yaml` in the working directory, if present. */
  policyConfig?: string;
  /** Pod Security Standards level; default: the config, then the rendered Namespace's enforce label, then restricted. */
  pssLevel?: 'privileged' | 'baseline' | 'restricted';
  /** Pod Security Standards version (`latest`, `v1.36`). */
  pssVersion?: string;
  /**
   * `--upgrade-from`: also check that the upgrade from this previous release would be accepted by the
   * API server (a manifest, a chart directory or .tgz, an oci:// reference or a chart repository; see
   * validator/upgrade/source.ts).
   */
  upgradeFrom?: string;
  /** Version of the published chart to upgrade from (default: the highest one below the new chart's). */
  upgradeFromVersion?: string;
  /** How the upgrade writes objects: `merge` (Helm's patch or server-side apply, default) or `replace` (`--force`). */
  upgradeStrategy?: 'merge' | 'replace';
  /** StorageClasses with allowVolumeExpansion (besides StorageClass objects in the render). */
  expandableStorageClasses?: string[];
  /** The cluster's default StorageClass (the class of claims created without one). */
  defaultStorageClass?: string;
  /** Called with each phase's wall time (ms), for the benchmark and NEXUS_TIMING. */
  onTiming?: (phase: string, ms: number) => void;
}

/** A document that yielded no resource (empty, or unparseable): counted in the report's resources. */
interface Problem {
  source: string;
  docIndex: number;
  status: ResourceStatus;
}

interface Stream {
  source: string;
  text: string;
  environment?: string;
  chartDir?: string;
}

export async function validate(options: ValidateOptions): Promise<Report> {
  let mark = performance.now();
  const lap = (phase: string) => {
    const now = performance.now();
    options.onTiming?.(phase, now - mark);
    mark = now;
  };
  const findings: Finding[] = [];
  const streams: Stream[] = [];
  const inputs: string[] = [];
  let kubeVersion = options.kubeVersion;
  if (kubeVersion !== undefined && !/^v?1\.\d+(\.\d+)?([-+][\w.-]+)?$/.test(kubeVersion)) {
    throw new NexusError(`invalid --kube-version \`${kubeVersion}\``, { hint: 'use a Kubernetes version such as 1.30 or v1.30.2' });
  }
  if (kubeVersion && /^v?1\.\d+$/.test(kubeVersion)) kubeVersion = `${kubeVersion}.0`;

  let pendingLints: Promise<Finding[][]> | undefined;
  let previous: Promise<import('./upgrade/source.ts').PreviousRelease> | undefined;
  if (options.manifests?.length) {
    if (options.upgradeFrom === '-' && options.manifests.includes('-')) throw new NexusError('stdin can hold the new manifests or the previous ones, not both', { hint: 'write one of them to a file' });
    for (const m of await readManifestInputs(options.manifests, options.readStdin ?? readProcessStdin)) {
      streams.push({ source: m.source, text: m.text });
      inputs.push(m.source);
    }
    if (options.upgradeFrom) previous = import('./upgrade/pipeline.ts').then((m) => m.loadPreviousRelease(options, kubeVersion, [], options.apiVersions));
    previous?.catch(() => undefined);
  } else {
    const { chartDir, isNexus, valuesFiles, apiVersions, sets } = chartRun(options);
    // Read every values file first: a file we cannot parse stops the run (exit 2) before helm is spawned.
    const located: LocatedYaml[] = valuesFiles.map((f) => readValuesFile(display(f)));
    const helm = helmForRun(options.helmPath);
    const renderOpts = { releaseName: options.releaseName, namespace: options.namespace, kubeVersion, apiVersions };
    // Spawn every helm process now; the values check runs while they work.
    const renders = Promise.all(sets.map((s) => helmTemplate(helm, chartDir, s.files, s.label, renderOpts)));
    const lints = options.lint === false ? Promise.resolve([] as Finding[][]) : Promise.all(sets.map((s) => helmLint(helm, chartDir, s.files, kubeVersion ? ['--kube-version', kubeVersion] : [], s.label)));
    // Awaited at the end (lint runs while we parse and check); these keep an early failure from being "unhandled".
    lints.catch(() => undefined);
    renders.catch(() => undefined);
    pendingLints = lints;
    // Rendered now, so that the previous release's helm processes overlap the new ones.
    if (options.upgradeFrom) previous = import('./upgrade/pipeline.ts').then((m) => m.loadPreviousRelease(options, kubeVersion, sets, apiVersions, chartDir));
    previous?.catch(() => undefined);
    if (isNexus && located.length) {
      const { checkValues } = await import('./values-check.ts');
      for (const l of located) findings.push(...checkValues(l));
    }
    const environments = located.map((l) => envOf(l.value));
    lap('values check');
    const rendered = await renders;
    // A render that failed may mean a broken helm rather than a broken chart: `helm version` tells them
    // apart (a broken helm is exit 2). A successful render proves helm works, so the probe is skipped.
    if (rendered.some((r) => r.failed)) await locateHelm(options.helmPath);
    lap('helm template (wait)');
    rendered.forEach((r: Render, i) => {
      inputs.push(r.source);
      if (r.failed) findings.push(...r.failed);
      else streams.push({ source: r.source, text: r.manifests, environment: environments[i], chartDir });
    });
  }

  // Parse (fast path, no positions).
  const resources: K8sResource[] = [];
  const problems: Problem[] = [];
  for (const s of streams) {
    const chartDir = s.chartDir;
    const parsed = parseManifests(s.text, { source: s.source, file: s.source, ...(chartDir ? { templatePath: (p: string) => chartFile(chartDir, p) } : {}) });
    resources.push(...parsed.resources);
    findings.push(...parsed.findings);
    for (const p of parsed.problems) problems.push({ source: s.source, docIndex: p.docIndex, status: p.status });
  }

  lap('parse');
  // Kubernetes schemas.
  const { SchemaStage } = await import('./kube/schema-stage.ts');
  const stage = new SchemaStage({
    strict: options.strict ?? true,
    ...(kubeVersion ? { kubeVersion } : {}),
    ...(options.apiVersions ? { apiVersions: options.apiVersions } : {}),
    crdFiles: options.crdFiles ?? [],
    schemaLocations: options.schemaLocations ?? [],
    ignoreMissingSchemas: options.ignoreMissingSchemas ?? false,
  });
  const schema = await stage.check(resources);
  findings.push(...schema.findings);
  const skipped = new Set(schema.skipped);
  lap('schema');

  const rules = new Map<string, RuleMeta>(STAGE_RULES.map((r) => [r.id, r]));
  if (previous) {
    const { upgradeStage } = await import('./upgrade/pipeline.ts');
    for (const meta of upgradeStage(await previous, streams, resources, findings, options, kubeVersion)) rules.set(meta.id, meta);
    lap('upgrade');
  }
  if (options.policies !== false && resources.length) {
    // Loaded on demand (static specifiers, so the CLI bundle includes them): --no-policies never pays.
    const [{ evaluatePolicies }, { POLICIES }, { DEFAULT_CONFIG_FILE }] = await Promise.all([
      import('../policies/engine.ts'),
      import('../policies/index.ts'),
      import('../policies/config-file.ts'),
    ]);
    const policyConfig = options.policyConfig ?? discoverPolicyConfig(DEFAULT_CONFIG_FILE);
    for (const p of POLICIES) {
      rules.set(p.meta.id, { id: p.meta.id, title: p.meta.title, description: p.meta.description, severity: p.meta.severity, remediation: p.meta.remediation, category: p.meta.category, ...(p.meta.references[0] ? { helpUri: p.meta.references[0] } : {}) });
    }
    const envBySource = new Map(streams.map((s) => [s.source, s.environment]));
    const bySource = new Map<string, K8sResource[]>();
    for (const r of resources) {
      if (skipped.has(r)) continue;
      const list = bySource.get(r.source);
      if (list) list.push(r);
      else bySource.set(r.source, [r]);
    }
    for (const [source, list] of bySource) {
      const env = envBySource.get(source);
      findings.push(
        ...evaluatePolicies(list, {
          ...(kubeVersion ? { kubeVersion } : {}),
          ...(env ? { environment: env } : {}),
          ...(options.namespace ? { namespace: options.namespace } : options.manifests?.length ? {} : { namespace: 'nexus' }),
          ...(policyConfig ? { configFile: policyConfig } : {}),
          ...(options.pssLevel ? { pssLevel: options.pssLevel } : {}),
          ...(options.pssVersion ? { pssVersion: options.pssVersion } : {}),
          // Located below with every other stage's findings: one index per document.
          positions: 'caller',
        }),
      );
    }
  }
  lap('policies');
  if (options.deep && resources.length) {
    const { runDeepChecks } = await import('./deep/index.ts');
    findings.push(...(await runDeepChecks(resources)));
  }

  if (pendingLints) {
    for (const l of await pendingLints) findings.push(...l);
    lap('helm lint (wait)');
  }
  resolvePositions(findings, resources);
  lap('positions');
  const results = resourceResults(resources, problems, findings, skipped);
  for (const f of findings) if (!rules.has(f.policyId)) rules.set(f.policyId, fallbackRule(f.policyId, f.severity));
  const usedRules = [...rules.values()].filter((r) => findings.some((f) => f.policyId === r.id) || r.category === 'kube-schema' || r.category === 'kube-api');
  return buildReport({ version: options.version, inputs, findings, resources: results, rules: usedRules });
}

/** Like ESLint's config lookup: a `.nexus-policy.yaml` in the working directory applies unless one is named. */
function discoverPolicyConfig(fileName: string): string | undefined {
  const candidate = resolve(fileName);
  return existsSync(candidate) ? candidate : undefined;
}

function envOf(values: unknown): string | undefined {
  const g = (values as { global?: { environment?: unknown } } | null)?.global;
  return typeof g?.environment === 'string' ? g.environment : undefined;
}

function resourceKey(source: string | undefined, docIndex: number | undefined, kind: string | undefined, name: string | undefined): string {
  return `${source ?? ''}\u0000${docIndex ?? ''}\u0000${kind ?? ''}\u0000${name ?? ''}`;
}

/**
 * Fills in positions for findings that point into a resource: the stream line via the resource's
 * locator, and for rendered templates the template file and its line (see template-lines.ts). Every
 * stage's findings of one document are located together, so each document is indexed once.
 */
function resolvePositions(findings: Finding[], resources: K8sResource[]): void {
  const byKey = new Map<string, K8sResource>();
  for (const r of resources) byKey.set(resourceKey(r.source, r.docIndex, r.kind, r.name), r);
  // n-th document of its kind from the same template in the same render (for multi-document templates)
  const ordinal = new Map<K8sResource, number>();
  const seen = new Map<string, number>();
  for (const r of resources) {
    if (!r.templateFile) continue;
    const k = `${r.source}\u0000${r.templateFile}\u0000${r.kind}`;
    const n = seen.get(k) ?? 0;
    ordinal.set(r, n);
    seen.set(k, n + 1);
  }
  const byResource = new Map<K8sResource, Finding[]>();
  for (const f of findings) {
    if (f.docIndex === undefined) continue;
    const r = byKey.get(resourceKey(f.source, f.docIndex, f.kind, f.name));
    // Stages that set a position themselves keep it, unless the resource came from a render: then the
    // reported file is the template, and its line must be a template line, not a stream line.
    if (!r || (f.line !== undefined && !r.templateFile)) continue;
    const list = byResource.get(r);
    if (list) list.push(f);
    else byResource.set(r, [f]);
  }
  for (const [r, list] of byResource) {
    const templatePath = r.templateFile && r.file ? resolve(process.cwd(), r.file) : undefined;
    for (const f of list) {
      const pointer = f.jsonPointer ?? '';
      const pos = r.locate?.(pointer);
      if (pos) f.streamLine = pos.line;
      const tline = templatePath ? templateLine(templatePath, pointer, { kind: r.kind, ordinal: ordinal.get(r) ?? 0 }) : undefined;
      if (tline !== undefined) {
        f.file = r.file;
        f.line = tline;
        delete f.column;
      } else {
        f.file = r.source;
        if (pos) {
          f.line = pos.line;
          f.column = pos.column;
        } else f.line = r.line;
      }
      if (f.itemIndex === undefined && r.itemIndex !== undefined) f.itemIndex = r.itemIndex;
    }
  }
}

function resourceResults(resources: K8sResource[], problems: Problem[], findings: Finding[], skipped: Set<K8sResource>): ResourceResult[] {
  const worst = new Map<string, ResourceStatus>();
  for (const f of findings) {
    if (f.exemption || f.docIndex === undefined) continue;
    const key = resourceKey(f.source, f.docIndex, f.kind, f.name);
    if (f.policyId === 'kube-schema/missing-schema') worst.set(key, 'error');
    else if (f.severity === 'error' && worst.get(key) !== 'error') worst.set(key, 'invalid');
  }
  const out: ResourceResult[] = resources.map((r) => ({
    source: r.source,
    docIndex: r.docIndex,
    ...(r.itemIndex !== undefined ? { itemIndex: r.itemIndex } : {}),
    apiVersion: r.apiVersion,
    kind: r.kind,
    name: r.name,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...(r.file ? { file: r.file } : {}),
    status: skipped.has(r) ? 'skipped' : (worst.get(resourceKey(r.source, r.docIndex, r.kind, r.name)) ?? 'valid'),
  }));
  for (const p of problems) out.push({ source: p.source, docIndex: p.docIndex, apiVersion: '', kind: '', name: '', file: p.source, status: p.status });
  return out;
}

const display = (f: string) => relative(process.cwd(), f) || f;

/**
 * The chart, values files and renders of a chart run (validate and render). The umbrella chart
 * defaults to the environment values files and the CRD API versions its templates gate on; any other
 * chart to its own defaults.
 */
function chartRun(options: Pick<ValidateOptions, 'chartDir' | 'valuesFiles' | 'apiVersions'>) {
  const chartDir = resolve(options.chartDir ?? UMBRELLA_CHART_DIR);
  if (!existsSync(join(chartDir, 'Chart.yaml'))) {
    throw new NexusError(`no chart at ${display(chartDir)} (Chart.yaml is missing)`, { location: { file: display(chartDir) }, hint: 'run `npm run generate`, or pass --chart DIR' });
  }
  const isNexus = chartDir === resolve(UMBRELLA_CHART_DIR);
  const valuesFiles = (options.valuesFiles?.length ? options.valuesFiles : isNexus ? ENVIRONMENT_VALUES.map((f) => join(PROJECT_ROOT, f)) : []).map((f) => resolve(f));
  const apiVersions = options.apiVersions ?? (isNexus ? NEXUS_DEFAULT_API_VERSIONS : undefined);
  const sets = valuesFiles.length ? valuesFiles.map((f) => ({ files: [f], label: display(f) })) : [{ files: [] as string[], label: `${display(chartDir)} (defaults)` }];
  return { chartDir, isNexus, valuesFiles, apiVersions, sets };
}

/** For `nexus render`: the manifests of one render, exactly as helm printed them. */
export async function renderOnly(options: Pick<ValidateOptions, 'chartDir' | 'valuesFiles' | 'helmPath' | 'releaseName' | 'namespace' | 'kubeVersion' | 'apiVersions'>): Promise<Render[]> {
  const { chartDir, apiVersions, sets } = chartRun(options);
  const helm = helmForRun(options.helmPath);
  return Promise.all(sets.map((s) => helmTemplate(helm, chartDir, s.files, s.label, { releaseName: options.releaseName, namespace: options.namespace, kubeVersion: options.kubeVersion, apiVersions })));
}
