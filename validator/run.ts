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
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { ENVIRONMENT_VALUES, PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../util/paths.ts';
import { DEFAULT_CONFIG_FILE } from '../policies/config-defaults.ts';
import { helmForRun, locateHelm } from './helm.ts';
import { openManifestInputs, readProcessStdin } from './inputs.ts';
import { helmLint } from './lint.ts';
import { parseManifests } from './manifests.ts';
import { chartFile, helmTemplate, type Render } from './render.ts';
import { buildReport, type Report, type ResourceResult } from './report.ts';
import { dropGuardEchoes } from './rule-guards.ts';
import { fallbackRule, STAGE_RULES, type RuleMeta } from './rules.ts';
import { templateLine, templateReadable } from './template-lines.ts';
import type { Finding, K8sResource, ResourceStatus } from '../core/types.ts';
import { checkNexusDerivedNames, checkReleaseName } from './release-name.ts';
import type { LayeredValues, SetFlags, ValuesFile } from './values-input.ts';

/** CRD-backed API groups the NEXUS charts gate on `.Capabilities.APIVersions.Has`; the default run renders them. */
export const NEXUS_DEFAULT_API_VERSIONS = ['monitoring.coreos.com/v1', 'autoscaling.k8s.io/v1', 'configuration.konghq.com/v1', 'postgresql.cnpg.io/v1', 'barmancloud.cnpg.io/v1', 'external-secrets.io/v1'];

export interface ValidateOptions extends SetFlags {
  version: string;
  /**
   * Values files, merged in order into one render like helm's `-f` (`-` is stdin); default: one render
   * per environment overlay (umbrella chart) or the chart's defaults.
   */
  valuesFiles?: string[];
  /** Kinds (`Secret`) or apiVersion/kinds (`v1/Secret`) not to check (kubeconform -skip). */
  skipKinds?: string[];
  /** Kinds that are findings wherever they appear (kubeconform -reject). */
  rejectKinds?: string[];
  /** Environments (`staging`): one render each, with `values.<env>.yaml` under the `valuesFiles`. */
  environments?: string[];
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
  /** The cluster's service CIDR(s) (kube-apiserver --service-cluster-ip-range): fixed clusterIPs outside it are refused. */
  serviceClusterIPRange?: string;
  /** The cluster's node port range (--service-node-port-range), default 30000-32767. */
  serviceNodePortRange?: string;
  /**
   * Files listing what already exists on the target cluster (`--cluster-objects`): pods' RuntimeClass,
   * PriorityClass and ServiceAccount references are then checked against them and the render. An empty
   * list describes an empty cluster; undefined leaves those references unchecked.
   */
  clusterObjects?: string[];
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
  /** The manifests, or a file's in pieces read as they are parsed (validator/inputs.ts). */
  text: string | Iterable<string>;
  environment?: string;
  chartDir?: string;
}

export async function validate(options: ValidateOptions): Promise<Report> {
  // The \`performance\` global loads perf_hooks on first use (~2 ms of a run): the clock is read only when timing.
  const onTiming = options.onTiming;
  let mark = onTiming ? performance.now() : 0;
  const lap = (phase: string) => {
    if (!onTiming) return;
    const now = performance.now();
    onTiming(phase, now - mark);
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
  // Before helm is spawned: the validator ships the API tables of a fixed range of releases.
  if (kubeVersion) (await import('./kube/versions/tables.ts')).assertSupportedMinor(Number(/^v?1\.(\d+)/.exec(kubeVersion)![1]), options.kubeVersion!);

  let pendingLints: Promise<Finding[][]> | undefined;
  /** Render labels whose values the values check already found wrong (see dropDuplicateSchemaErrors). */
  const valuesChecked = new Set<string>();
  let previous: Promise<import('./upgrade/source.ts').PreviousRelease> | undefined;
  if (options.manifests?.length) {
    if (options.upgradeFrom === '-' && options.manifests.includes('-')) throw new NexusError('stdin can hold the new manifests or the previous ones, not both', { hint: 'write one of them to a file' });
    for (const m of await openManifestInputs(options.manifests, options.readStdin ?? readProcessStdin)) {
      streams.push({ source: m.source, text: m.text });
      inputs.push(m.source);
      m.text = ''; // held by the stream alone, which drops it once parsed (the loop's array outlives the loop)
    }
    if (options.upgradeFrom) previous = import('./upgrade/pipeline.ts').then((m) => m.loadPreviousRelease(options, kubeVersion, [], options.apiVersions));
    previous?.catch(() => undefined);
  } else {
    const { chartDir, isNexus, apiVersions, sets } = await chartRun(options);
    checkReleaseNameFor(options.releaseName, isNexus, sets);
    const helm = helmForRun(options.helmPath);
    const renderOpts = { releaseName: options.releaseName, namespace: options.namespace, kubeVersion, apiVersions };
    // Spawn every helm process now; the values check runs while they work.
    const renders = Promise.all(sets.map((s) => helmTemplate(helm, chartDir, s.files, s.label, { ...renderOpts, setArgs: s.setArgs })));
    const lints = options.lint === false ? Promise.resolve([] as Finding[][]) : Promise.all(sets.map((s) => helmLint(helm, chartDir, s.files, [...s.setArgs, ...(kubeVersion ? ['--kube-version', kubeVersion] : [])], s.label)));
    // Awaited at the end (lint runs while we parse and check); these keep an early failure from being "unhandled".
    lints.catch(() => undefined);
    renders.catch(() => undefined);
    pendingLints = lints;
    // Rendered now, so that the previous release's helm processes overlap the new ones.
    if (options.upgradeFrom) previous = import('./upgrade/pipeline.ts').then((m) => m.loadPreviousRelease(options, kubeVersion, sets, apiVersions, chartDir));
    previous?.catch(() => undefined);
    const located = sets.map((s) => s.layered);
    if (isNexus) {
      const { checkValues } = await import('./values-check.ts');
      for (const [i, l] of located.entries()) {
        if (!sets[i]!.hasValues) continue;
        const found = checkValues(l);
        findings.push(...found);
        // One typo, one finding: helm's own schema errors about the same values (from lint and from
        // template, once per chart schema) would only repeat what the values check located.
        if (found.some((f) => f.severity === 'error')) valuesChecked.add(sets[i]!.label);
      }
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
      r.manifests = ''; // held by the stream alone, which drops it once parsed
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
    // Parsed resources keep what they need of the text (their documents' parsed copies): let the stream go.
    s.text = '';
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
  // kubeconform's -skip / -reject: skipped kinds are not checked; rejected kinds are findings.
  const { excluded, skippedKinds, findings: rejectFindings } = selectKinds(resources, options.skipKinds ?? [], options.rejectKinds ?? []);
  findings.push(...rejectFindings);
  const schema = await stage.check(excluded.size ? resources.filter((r) => !excluded.has(r)) : resources);
  findings.push(...schema.findings);
  const skipped = new Set([...schema.skipped, ...skippedKinds]);
  lap('schema');

  const rules = new Map<string, RuleMeta>(STAGE_RULES.map((r) => [r.id, r]));
  // API validation: what the kube-apiserver refuses or warns about on create (validator/api). Objects
  // the schema stage already refused are left out: the server never gets past decoding them, and the
  // same fault would otherwise be reported twice.
  const [{ runApiStage }, { API_RULES }] = await Promise.all([import('./api/stage.ts'), import('./api/rules.ts')]);
  const objectKey = (x: { source?: string; docIndex?: number; itemIndex?: number }) => `${x.source}\u0000${x.docIndex}\u0000${x.itemIndex ?? ''}`;
  const schemaRefused = new Set(schema.findings.filter((f) => f.severity === 'error').map(objectKey));
  findings.push(
    ...runApiStage(
      resources.filter((r) => !skipped.has(r) && (schemaRefused.size === 0 || !schemaRefused.has(objectKey(r)))),
      {
        ...(kubeVersion ? { kubeVersion } : {}),
        ...(options.serviceClusterIPRange ? { serviceClusterIPRange: options.serviceClusterIPRange } : {}),
        ...(options.serviceNodePortRange ? { serviceNodePortRange: options.serviceNodePortRange } : {}),
        ...(options.clusterObjects ? { clusterObjects: (await import('./cluster-objects.ts')).readClusterObjects(options.clusterObjects) } : {}),
      },
    ),
  );
  for (const r of API_RULES) rules.set(r.id, r);
  lap('api validation');
  if (previous) {
    const { upgradeStage } = await import('./upgrade/pipeline.ts');
    for (const meta of upgradeStage(await previous, streams, resources, findings, options, kubeVersion)) rules.set(meta.id, meta);
    lap('upgrade');
  }
  if (options.policies !== false && resources.length) {
    // Loaded on demand (static specifiers, so the CLI bundle includes them): --no-policies never pays.
    const [{ evaluatePolicies }, { POLICIES, POLICY_IDS }] = await Promise.all([import('../policies/engine.ts'), import('../policies/index.ts')]);
    const configFile = options.policyConfig ?? discoverPolicyConfig(DEFAULT_CONFIG_FILE);
    // Its parser (yaml, Zod) loads only when there is a file to read.
    const policyConfig = configFile ? (await import('../policies/config-file.ts')).loadPolicyConfig(configFile, POLICY_IDS) : undefined;
    for (const p of POLICIES) {
      rules.set(p.meta.id, { id: p.meta.id, title: p.meta.title, description: p.meta.description, severity: p.meta.severity, remediation: p.meta.remediation, category: p.meta.category, ...(p.meta.references[0] ? { helpUri: p.meta.references[0] } : {}) });
    }
    const envBySource = new Map(streams.map((s) => [s.source, s.environment]));
    const bySource = new Map<string, K8sResource[]>();
    for (const r of resources) {
      if (skipped.has(r) || excluded.has(r)) continue;
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
          ...(policyConfig ? { config: policyConfig } : {}),
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
    dropDuplicateSchemaErrors(findings, valuesChecked);
    lap('helm lint (wait)');
  }
  dropGuardEchoes(findings);
  const lookup = new ResourceLookup(resources);
  resolvePositions(findings, resources, lookup);
  lap('positions');
  const results = resourceResults(resources, problems, findings, skipped, lookup);
  for (const f of findings) if (!rules.has(f.policyId)) rules.set(f.policyId, fallbackRule(f.policyId, f.severity));
  const fired = new Set<string>();
  for (const f of findings) fired.add(f.policyId);
  const usedRules = [...rules.values()].filter((r) => fired.has(r.id) || r.category === 'kube-schema' || r.category === 'kube-api');
  const report = buildReport({ version: options.version, inputs, findings, resources: results, rules: usedRules });
  lap('report');
  return report;
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

type FindingKey = Pick<Finding, 'source' | 'docIndex' | 'kind' | 'name'>;

/**
 * The resource a finding is about (same source, document, kind and name; the last one if several
 * match), found without building a key string per finding.
 */
class ResourceLookup {
  private readonly bySource = new Map<string, Map<number, K8sResource[]>>();
  private lastKey: FindingKey | undefined;
  private lastAll: readonly K8sResource[] = [];
  constructor(resources: readonly K8sResource[]) {
    for (const r of resources) {
      let docs = this.bySource.get(r.source);
      if (!docs) this.bySource.set(r.source, (docs = new Map()));
      const list = docs.get(r.docIndex);
      if (list) list.push(r);
      else docs.set(r.docIndex, [r]);
    }
  }

  /** The last of the resources the finding is about. */
  find(f: FindingKey): K8sResource | undefined {
    const all = this.all(f);
    return all[all.length - 1];
  }

  /** Every resource the finding's key fits (List items of one kind and name share it), in stream order. */
  all(f: FindingKey): readonly K8sResource[] {
    // A stage reports resource by resource: the key asked about last answers most calls.
    const last = this.lastKey;
    if (last && last.docIndex === f.docIndex && last.source === f.source && last.kind === f.kind && last.name === f.name) return this.lastAll;
    this.lastKey = f;
    return (this.lastAll = this.candidates(f)?.filter((r) => this.matches(r, f)) ?? []);
  }

  private candidates(f: Pick<Finding, 'source' | 'docIndex'>): K8sResource[] | undefined {
    return f.docIndex === undefined ? undefined : this.bySource.get(f.source ?? '')?.get(f.docIndex);
  }

  private matches(r: K8sResource, f: Pick<Finding, 'kind' | 'name'>): boolean {
    return r.kind === (f.kind ?? '') && r.name === (f.name ?? '');
  }
}

/**
 * Fills in positions for findings that point into a resource: the stream line via the resource's
 * locator, and for rendered templates the template file and its line (see template-lines.ts). Every
 * stage's findings of one document are located together, so each document is indexed once.
 */
function resolvePositions(findings: Finding[], resources: K8sResource[], lookup: ResourceLookup): void {
  // n-th document of its kind from the same template in the same render (for multi-document templates),
  // counted only when a finding's template is there to look in.
  let ordinal: Map<K8sResource, number> | undefined;
  const ordinalOf = (r: K8sResource) => (ordinal ??= templateOrdinals(resources)).get(r) ?? 0;
  const byResource = new Map<K8sResource, Finding[]>();
  for (const f of findings) {
    const r = lookup.find(f);
    // Stages that set a position themselves keep it, unless the resource came from a render: then the
    // reported file is the template, and its line must be a template line, not a stream line.
    if (!r || (f.line !== undefined && !r.templateFile)) continue;
    const list = byResource.get(r);
    if (list) list.push(f);
    else byResource.set(r, [f]);
  }
  const cwd = process.cwd();
  const absolute = new Map<string, string>();
  for (const [r, list] of byResource) {
    // The template on disk, when it is there (a rendered stream's `# Source:` paths often are not).
    let templatePath: string | undefined;
    if (r.templateFile && r.file) {
      templatePath = absolute.get(r.file);
      if (templatePath === undefined) absolute.set(r.file, (templatePath = resolve(cwd, r.file)));
      if (!templateReadable(templatePath)) templatePath = undefined;
    }
    for (const f of list) {
      const pointer = f.jsonPointer ?? '';
      const pos = r.locate?.(pointer);
      if (pos) f.streamLine = pos.line;
      const tline = templatePath ? templateLine(templatePath, pointer, { kind: r.kind, ordinal: ordinalOf(r) }) : undefined;
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

/** Each rendered resource's place among the documents of its kind from the same template in the same render. */
function templateOrdinals(resources: readonly K8sResource[]): Map<K8sResource, number> {
  const ordinal = new Map<K8sResource, number>();
  const seen = new Map<string, number>();
  for (const r of resources) {
    if (!r.templateFile) continue;
    const k = `${r.source}\u0000${r.templateFile}\u0000${r.kind}`;
    const n = seen.get(k) ?? 0;
    ordinal.set(r, n);
    seen.set(k, n + 1);
  }
  return ordinal;
}

/** A resource's line in the report, its keys in the JSON report's order (no spreads: a temporary object each). */
function resultOf(r: K8sResource, status: ResourceStatus): ResourceResult {
  const out: ResourceResult = { source: r.source, docIndex: r.docIndex } as ResourceResult;
  if (r.itemIndex !== undefined) out.itemIndex = r.itemIndex;
  out.apiVersion = r.apiVersion;
  out.kind = r.kind;
  out.name = r.name;
  if (r.namespace !== undefined) out.namespace = r.namespace;
  if (r.file) out.file = r.file;
  out.status = status;
  return out;
}

function resourceResults(resources: K8sResource[], problems: Problem[], findings: Finding[], skipped: Set<K8sResource>, lookup: ResourceLookup): ResourceResult[] {
  const worst = new Map<K8sResource, ResourceStatus>();
  for (const f of findings) {
    if (f.exemption || f.docIndex === undefined) continue;
    if (f.policyId !== 'kube-schema/missing-schema' && f.severity !== 'error') continue;
    for (const r of lookup.all(f)) {
      if (f.policyId === 'kube-schema/missing-schema') worst.set(r, 'error');
      else if (worst.get(r) !== 'error') worst.set(r, 'invalid');
    }
  }
  const out: ResourceResult[] = resources.map((r) => resultOf(r, skipped.has(r) ? 'skipped' : (worst.get(r) ?? 'valid')));
  for (const p of problems) out.push({ source: p.source, docIndex: p.docIndex, apiVersion: '', kind: '', name: '', file: p.source, status: p.status });
  return out;
}

const display = (f: string) => relative(process.cwd(), f) || f;
/** A values file as the user knows it: relative below the working directory, else absolute. */
const displayValues = (f: string) => (relative(process.cwd(), f).startsWith('..') ? f : display(f));

/** Resources matched by `--skip` or `--reject` (by kind, or apiVersion/kind), and the rejections. */
function selectKinds(resources: K8sResource[], skip: string[], reject: string[]): { excluded: Set<K8sResource>; skippedKinds: Set<K8sResource>; findings: Finding[] } {
  const excluded = new Set<K8sResource>();
  const skippedKinds = new Set<K8sResource>();
  const findings: Finding[] = [];
  if (!skip.length && !reject.length) return { excluded, skippedKinds, findings };
  const matches = (r: K8sResource, list: string[]) => list.includes(r.kind) || list.includes(`${r.apiVersion}/${r.kind}`);
  for (const r of resources) {
    if (matches(r, reject)) {
      excluded.add(r);
      findings.push({ policyId: 'kube-schema/rejected-kind', severity: 'error', message: `${r.apiVersion}/${r.kind} is rejected (--reject)`, source: r.source, docIndex: r.docIndex, apiVersion: r.apiVersion, kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}), jsonPointer: '' });
    } else if (matches(r, skip)) {
      excluded.add(r);
      skippedKinds.add(r);
    }
  }
  return { excluded, skippedKinds, findings };
}

/** helm's complaints that values break a chart's values.schema.json (lint and template wordings). */
const HELM_SCHEMA_ERROR = /values do not match the schema|values don't meet the specifications|schema\(s\)|Additional property|additional properties|Invalid type|got \w+, want|does not match pattern|must be one of|value must be/i;

/** Removes helm's schema errors for renders whose values the values check already reported. */
function dropDuplicateSchemaErrors(findings: Finding[], labels: Set<string>): void {
  if (!labels.size) return;
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    if ((f.policyId === 'helm/lint' || f.policyId === 'helm/template') && f.source && labels.has(f.source) && HELM_SCHEMA_ERROR.test(f.message)) findings.splice(i, 1);
  }
}

export interface ChartRenderSet {
  /** The `-f` paths helm reads (snapshots for streams). */
  files: string[];
  /** `--set*` arguments, in helm's order. */
  setArgs: string[];
  label: string;
  layered: LayeredValues;
  /** Whether the user gave any values (files or flags), as opposed to the chart's defaults. */
  hasValues: boolean;
}

/** Whether a chart directory's Chart.yaml names the chart `nexus` (read as text: no YAML parser for one field). */
function isNexusChartCopy(chartDir: string): boolean {
  return /^name:\s*["']?nexus["']?\s*$/m.test(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
}

/**
 * The chart and renders of a chart run (validate and render). `-f` files merge into one render, as in
 * helm; `--env` makes one render per environment (its `values.<env>.yaml` first). The umbrella chart
 * defaults to one render per environment overlay and the CRD API versions its templates gate on; any
 * other chart to its own defaults.
 */
async function chartRun(options: Pick<ValidateOptions, 'chartDir' | 'valuesFiles' | 'environments' | 'apiVersions' | 'set' | 'setString' | 'setFile' | 'setJson'>) {
  const chartDir = resolve(options.chartDir ?? UMBRELLA_CHART_DIR);
  if (!existsSync(join(chartDir, 'Chart.yaml'))) {
    throw new NexusError(`no chart at ${display(chartDir)} (Chart.yaml is missing)`, { location: { file: display(chartDir) }, hint: 'run `npm run generate`, or pass --chart DIR' });
  }
  // Chart runs only: the values reader loads `yaml`, which manifest runs never need.
  const { LayeredValues, readValuesFile } = await import('./values-input.ts');
  const isNexus = chartDir === resolve(UMBRELLA_CHART_DIR);
  // A copy of the umbrella chart (a release build directory, a packaged or vendored copy) renders like the
  // chart itself, with the APIs its overlays need (their database runs under the CloudNativePG operator).
  const apiVersions = options.apiVersions ?? (isNexus || isNexusChartCopy(chartDir) ? NEXUS_DEFAULT_API_VERSIONS : undefined);
  // Each source is read once, even when several renders use it (stdin can only be read once).
  const cache = new Map<string, ValuesFile>();
  const read = (spec: string) => {
    const key = spec === '-' ? '-' : resolve(spec);
    let f = cache.get(key);
    if (!f) cache.set(key, (f = readValuesFile(spec === '-' ? '-' : resolve(spec), { display: displayValues })));
    return f;
  };
  const userFiles = options.valuesFiles ?? [];
  let bases: string[][];
  if (options.environments?.length) bases = options.environments.map((env) => [environmentFile(env, isNexus)]);
  else if (userFiles.length || !isNexus) bases = [[]];
  else bases = ENVIRONMENT_VALUES.map((f) => [join(PROJECT_ROOT, f)]);
  const flags = { set: options.set ?? [], setString: options.setString ?? [], setFile: options.setFile ?? [], setJson: options.setJson ?? [] };
  const hasFlags = Object.values(flags).some((l) => l.length > 0);
  const sets: ChartRenderSet[] = bases.map((base) => {
    const files = [...base, ...userFiles].map(read);
    const layered = new LayeredValues(files, flags, files.length || hasFlags ? undefined : `${display(chartDir)} (defaults)`);
    return { files: files.map((f) => f.helmPath), setArgs: layered.helmArgs.slice(files.length * 2), label: layered.file, layered, hasValues: files.length > 0 || hasFlags };
  });
  return { chartDir, isNexus, apiVersions, sets };
}

/** `values.<env>.yaml` for `--env <env>`: in the working directory, else beside the umbrella chart's sources. */
function environmentFile(env: string, isNexus: boolean): string {
  if (!/^[\w.-]+$/.test(env)) throw new NexusError(`invalid --env \`${env}\``, { hint: 'an environment is a name such as staging or production (it selects values.<env>.yaml)' });
  const candidates = [resolve(`values.${env}.yaml`), ...(isNexus ? [join(PROJECT_ROOT, `values.${env}.yaml`)] : [])];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new NexusError(`no values file for --env ${env}: values.${env}.yaml not found`, {
      location: { file: `values.${env}.yaml` },
      hint: `create values.${env}.yaml, or choose one of: ${ENVIRONMENT_VALUES.map((f) => f.replace(/^values\.|\.yaml$/g, '')).join(', ')}`,
    });
  }
  return found;
}

/** The release name before rendering: helm's rule, and for the umbrella chart the names derived from it. */
function checkReleaseNameFor(releaseName: string | undefined, isNexus: boolean, sets: ChartRenderSet[]): void {
  const name = releaseName ?? 'nexus';
  checkReleaseName(name);
  if (isNexus) for (const s of sets) checkNexusDerivedNames(name, s.layered.value, s.label);
}

/** For `nexus render`: the manifests of each render, exactly as helm printed them. */
export async function renderOnly(options: Pick<ValidateOptions, 'chartDir' | 'valuesFiles' | 'environments' | 'helmPath' | 'releaseName' | 'namespace' | 'kubeVersion' | 'apiVersions' | 'set' | 'setString' | 'setFile' | 'setJson'>): Promise<Render[]> {
  const { chartDir, isNexus, apiVersions, sets } = await chartRun(options);
  checkReleaseNameFor(options.releaseName, isNexus, sets);
  const helm = helmForRun(options.helmPath);
  return Promise.all(sets.map((s) => helmTemplate(helm, chartDir, s.files, s.label, { releaseName: options.releaseName, namespace: options.namespace, kubeVersion: options.kubeVersion, apiVersions, setArgs: s.setArgs })));
}
