/**
 * The Kubernetes schema stage: every resource against its schema (type, required, enum, format),
 * strict unknown-field checks, and removed/deprecated/not-yet-served APIs for the target version.
 *
 * Where a kind's schema comes from, in order:
 *  1. `--crd` files (the user's word wins);
 *  2. each `--schema-location` in order, where `default` (also the implicit default when none is given)
 *     means the built-ins: the API table of the target Kubernetes minor (versions/, 1.29–1.36: every
 *     stable, beta and alpha kind that release serves), @kubernetes-models/prometheus-operator, the
 *     bundled schemas in validator/kube/crds (Gateway API standard channel, VPA, KongPlugin; see
 *     bundle-crd.ts), and kubernetes-models' validators for legacy APIs that a cluster still serves
 *     per `--api-versions`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../../util/paths.ts';
import type { Finding, K8sResource } from '../../core/types.ts';
import { resourceLocation } from '../../core/resource-location.ts';
import { ajvErrorsToProblems, unknownFieldProblem, type AjvLikeError, type SchemaProblem } from './ajv-findings.ts';
import { type BundledCrd, CRDS_DIR, type CrdRegistry, readRegistry } from './crds-registry.ts';
import { crdVersionSchema, loadCrdFile, type CrdSchema } from './crd.ts';
import type { ExtensionNode } from './crd-extensions.ts';
import { apiLifecycleFinding, parseKubeMinor } from './deprecations.ts';
import { compileJsonSchema, kubeToJsonSchema, SchemaCompileError, type JsonSchema } from './json-schema.ts';
import { createSchemaFetcher, renderLocation, templateData, type SchemaFetcher } from './schema-location.ts';
import { findUnknownFields } from './strict.ts';
import { kindKey, kubeTables } from './tables.ts';
import { bundledValidators, cachedSchemaValidator } from './validator-bundle.ts';
import { TableChecker } from './versions/check.ts';
import { LATEST_MINOR } from './versions/format.ts';
import { assertSupportedMinor, minorsServing, versionTable } from './versions/tables.ts';

export const DEFAULT_KUBE_VERSION = `1.${LATEST_MINOR}.0`;

const checkers = new Map<number, TableChecker>();

/** The (shared, lazily compiled) checker of one Kubernetes minor's API table. */
export function tableChecker(minor: number): TableChecker {
  let c = checkers.get(minor);
  if (!c) {
    c = new TableChecker(versionTable(minor));
    checkers.set(minor, c);
  }
  return c;
}

export interface SchemaStageOptions {
  /** Unknown fields are findings (default true). */
  strict?: boolean;
  /** Target Kubernetes version, e.g. `1.30` or `1.30.2` (default 1.36.0). */
  kubeVersion?: string;
  /** `--api-versions`: group/versions (or group/version/Kind) the target cluster serves. */
  apiVersions?: string[];
  crdFiles?: string[];
  schemaLocations?: string[];
  ignoreMissingSchemas?: boolean;
  /** On-disk cache for downloaded schemas (default .cache/schemas). */
  cacheDir?: string;
}

type Validate = ((data: unknown) => boolean) & { errors?: AjvLikeError[] | null };

export interface KindValidator {
  /** ajv validator (CRDs, JSON schemas, the prometheus-operator and legacy kinds). */
  validate?: Validate;
  /** Built-in kinds: the version table and the kind's model in it. */
  table?: { checker: TableChecker; model: string };
  /** Field-table type for strict mode; undefined when the schema itself is closed (JSON schemas). */
  fieldsType?: string;
  /** CRD constraints beyond JSON Schema (crd-extensions.ts). */
  extensions?: ExtensionNode;
  /** Set when the schema could not be compiled: every object of the kind gets this problem. */
  broken?: string;
  origin: string;
}

/** A bundled schema (validator/kube/crds, registered in its index.json) ready for ajv. */
interface BundledSchema {
  jsonSchema: JsonSchema;
  /** CRD form: the schema as written, for defaults, CEL rules and list types. */
  raw?: JsonSchema;
  origin: string;
}

/**
 * crd-extensions.ts (CEL rules, defaults, list types) and the CEL interpreter behind it load only when
 * a CRD-style schema is compiled: runs that check built-in kinds against the version tables never need
 * them (~25 ms of start-up). A validator with `extensions` implies the module is loaded, so checkOne
 * uses it synchronously.
 */
let crdExtensions: typeof import('./crd-extensions.ts') | undefined;
async function loadCrdExtensions(): Promise<typeof import('./crd-extensions.ts')> {
  return (crdExtensions ??= await import('./crd-extensions.ts'));
}

let registry: CrdRegistry | undefined;
const bundledRegistry = (): CrdRegistry => (registry ??= readRegistry());

function bundledSchema(key: string, strict: boolean): BundledSchema | undefined {
  const entry = bundledRegistry().kinds[key];
  if (!entry) return undefined;
  const text = JSON.parse(readFileSync(join(CRDS_DIR, entry.file), 'utf8')) as JsonSchema | BundledCrd;
  if (entry.format === 'json-schema') {
    const raw = text as JsonSchema;
    return { jsonSchema: strict ? raw : (kubeToJsonSchema(stripClosed(raw), false) as JsonSchema), origin: `nexus bundled schema ${entry.file}` };
  }
  const crd = text as BundledCrd;
  let raw = crd.versions[entry.version!];
  if (typeof raw === 'string') raw = crd.versions[raw];
  if (!raw || typeof raw === 'string') return undefined;
  return { jsonSchema: crdVersionSchema(raw, strict), raw, origin: `bundled ${crd.kind}.${crd.group} CRD (${crd.source})` };
}

const builtinCache = new Map<string, Promise<KindValidator | undefined>>();

/** The built-in validator for a kind (lazily imported/compiled, shared across runs in one process). */
export function builtinValidator(key: string, strict: boolean): Promise<KindValidator | undefined> {
  const cacheKey = `${key}|${strict}`;
  let p = builtinCache.get(cacheKey);
  if (!p) {
    p = loadBuiltin(key, strict);
    builtinCache.set(cacheKey, p);
  }
  return p;
}

/** Loads the compiled validators of many kinds at once (one cached bundle) into the built-in cache. */
export async function preloadBuiltins(keys: readonly string[], strict: boolean): Promise<void> {
  // Built-in kinds of the target's version table never get here: a run with only those reads no catalogue.
  if (!keys.length) return;
  const missing = keys.filter((k) => (kubeTables().kinds[k] || bundledRegistry().kinds[k]) && !builtinCache.has(`${k}|${strict}`));
  // The bundled schemas are precompiled for strict runs only (the default).
  const bundledSchemas = strict ? missing.flatMap((key) => { const b = bundledSchema(key, true); return b ? [{ key, b }] : []; }) : [];
  const bundled = await bundledValidators(missing.filter((k) => kubeTables().kinds[k]), bundledSchemas.map(({ key, b }) => ({ key, schema: b.jsonSchema })));
  if (!bundled) return;
  const byKey = new Map(bundledSchemas.map(({ key, b }) => [key, b]));
  const ext = bundledSchemas.some(({ b }) => b.raw) ? await loadCrdExtensions() : undefined;
  for (const [key, validate] of bundled) {
    const entry = kubeTables().kinds[key];
    const b = byKey.get(key);
    const extensions = b?.raw ? ext!.compileExtensions(b.raw) : undefined;
    builtinCache.set(
      `${key}|${strict}`,
      Promise.resolve(entry ? { validate: validate as Validate, ...(entry.fields ? { fieldsType: entry.fields } : {}), origin: entry.validator.split('/_schemas/')[0]! } : { validate: validate as Validate, origin: b!.origin, ...(extensions ? { extensions } : {}) }),
    );
  }
}

async function loadBuiltin(key: string, strict: boolean): Promise<KindValidator | undefined> {
  const entry = kubeTables().kinds[key];
  if (entry) {
    // By file URL: @kubernetes-models/prometheus-operator does not export its _schemas.
    const mod = (await import(pathToFileURL(join(PROJECT_ROOT, 'node_modules', `${entry.validator}.js`)).href)) as { validate: Validate };
    return { validate: mod.validate, ...(entry.fields ? { fieldsType: entry.fields } : {}), origin: entry.validator.split('/_schemas/')[0]! };
  }
  const b = bundledSchema(key, strict);
  if (b) return compileKube(b.jsonSchema, b.raw, b.origin);
  return undefined;
}

/** Non-strict runs open the bundled closed schemas. */
function stripClosed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripClosed);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k, v]) => !(k === 'additionalProperties' && v === false)).map(([k, v]) => [k, stripClosed(v)]));
}

export interface SchemaStageResult {
  findings: Finding[];
  /** Resources no schema was found for, with --ignore-missing-schemas (reported as skipped). */
  skipped: K8sResource[];
  /** Which kinds were checked with which schema. Nothing reads it yet (there is no --verbose); handy when debugging. */
  origins: Record<string, string>;
}


/** What the stage does with every object of one kind (SchemaStage.plan). */
interface KindPlan {
  /** Findings about the kind itself, reported for each of its objects. */
  problems: SchemaProblem[];
  /** No schema, and --ignore-missing-schemas: the object is reported as skipped. */
  skip: boolean;
  /** The schema the objects are checked against; absent when they are not checked. */
  validator?: KindValidator;
}

export function problemToFinding(r: K8sResource, p: SchemaProblem): Finding {
  return { ...resourceLocation(r), policyId: p.policyId, severity: p.severity, message: p.message, ...(p.jsonPointer !== undefined ? { jsonPointer: p.jsonPointer } : {}), ...(p.hint ? { hint: p.hint } : {}) } as Finding;
}

export class SchemaStage {
  private readonly strict: boolean;
  private readonly target: number;
  private readonly kubeVersion: string;
  private readonly served: Set<string>;
  private readonly crds = new Map<string, CrdSchema>();
  private readonly locations: string[];
  private readonly fetcher: SchemaFetcher;
  private readonly resolved = new Map<string, Promise<KindValidator | undefined>>();
  /** kubernetes-models' field tables, for the kinds checked with its validators (read on first use). */
  private get models() {
    return kubeTables().models;
  }
  private readonly checker: TableChecker;

  constructor(private readonly options: SchemaStageOptions = {}) {
    this.strict = options.strict ?? true;
    this.kubeVersion = normalizeKubeVersion(options.kubeVersion ?? DEFAULT_KUBE_VERSION);
    this.target = parseKubeMinor(this.kubeVersion);
    assertSupportedMinor(this.target, options.kubeVersion ?? DEFAULT_KUBE_VERSION);
    this.checker = tableChecker(this.target);
    this.served = new Set(options.apiVersions ?? []);
    for (const f of options.crdFiles ?? []) for (const c of loadCrdFile(f, this.strict)) this.crds.set(c.key, c);
    this.locations = options.schemaLocations?.length ? options.schemaLocations : ['default'];
    this.fetcher = createSchemaFetcher(options.cacheDir ?? join(PROJECT_ROOT, '.cache', 'schemas'));
  }

  resolve(apiVersion: string, kind: string): Promise<KindValidator | undefined> {
    const key = kindKey(apiVersion, kind);
    let p = this.resolved.get(key);
    if (!p) {
      p = this.resolveUncached(apiVersion, kind, key);
      this.resolved.set(key, p);
    }
    return p;
  }

  private async resolveUncached(apiVersion: string, kind: string, key: string): Promise<KindValidator | undefined> {
    const crd = this.crds.get(key);
    if (crd) return compileKube(crd.schema, crd.raw, crd.origin);
    for (const loc of this.locations) {
      if (loc === 'default') {
        const b = this.tableValidator(key) ?? (await builtinValidator(key, this.strict));
        if (b) return b;
        continue;
      }
      const where = renderLocation(loc, templateData(apiVersion, kind, this.kubeVersion, this.strict));
      const schema = await this.fetcher.get(where);
      if (schema) return compileKube(kubeToJsonSchema(schema, this.strict) as JsonSchema, schema, where);
    }
    return undefined;
  }

  /**
   * A built-in kind of the target version's table; a built-in kind the target does not serve but the
   * cluster does (per `--api-versions`) is checked with the nearest version that has it.
   */
  private tableValidator(key: string): KindValidator | undefined {
    const model = this.checker.kindModel(key);
    if (model) return { table: { checker: this.checker, model }, origin: `Kubernetes 1.${this.target} API (${this.checker.table.source.repository} ${this.checker.table.source.path})` };
    if (!this.isServedPerFlag(key)) return undefined;
    const minors = minorsServing(key);
    if (!minors.length) return undefined;
    const nearest = [...minors].sort((a, b) => Math.abs(a - this.target) - Math.abs(b - this.target) || b - a)[0]!;
    const other = tableChecker(nearest);
    return { table: { checker: other, model: other.kindModel(key)! }, origin: `Kubernetes 1.${nearest} API (served per --api-versions)` };
  }

  private isServedPerFlag(key: string): boolean {
    const apiVersion = key.slice(0, key.lastIndexOf('/'));
    return this.served.has(apiVersion) || this.served.has(key);
  }

  /**
   * For a built-in kind the target minor does not serve (and `--api-versions` does not vouch for), the
   * finding that says so: served only from a later minor, or gone since an earlier one. Undefined for
   * kinds no supported minor knows (CRDs) and for those the removed-API table already reports.
   */
  private availability(apiVersion: string, kind: string, lifecycleReported: boolean): SchemaProblem | undefined {
    const key = kindKey(apiVersion, kind);
    if (this.checker.kindModel(key) || lifecycleReported || this.isServedPerFlag(key)) return undefined;
    const minors = minorsServing(key);
    if (!minors.length) return undefined;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const alternatives = Object.keys(this.checker.table.kinds)
      .filter((k) => k.endsWith(`/${kind}`) && (group ? k.startsWith(`${group}/`) : !k.slice(0, -kind.length - 1).includes('/')))
      .map((k) => k.slice(0, -kind.length - 1));
    const instead = alternatives.length ? `use ${alternatives.map((a) => `${a} ${kind}`).join(' or ')}, which 1.${this.target} serves` : undefined;
    const later = minors.filter((m) => m > this.target);
    if (later.length && !minors.some((m) => m < this.target)) {
      return {
        policyId: 'kube-api/not-served',
        severity: 'error',
        message: `${apiVersion} ${kind} is not served by Kubernetes 1.${this.target} (target --kube-version); it is served from 1.${later[0]}`,
        jsonPointer: '/apiVersion',
        hint: instead ?? `the API server will answer "no matches for kind"; target a newer --kube-version if the cluster is 1.${later[0]} or later`,
      };
    }
    const lastServed = Math.max(...minors.filter((m) => m < this.target));
    return {
      policyId: 'kube-api/removed',
      severity: 'error',
      message: `${apiVersion} ${kind} was removed in Kubernetes 1.${lastServed + 1} (target 1.${this.target}); the API server will reject it`,
      jsonPointer: '/apiVersion',
      hint: instead ?? 'migrate to the API version that replaced it',
    };
  }

  /** Checks every resource; schemas of distinct kinds are resolved concurrently first. */
  async check(resources: readonly K8sResource[]): Promise<SchemaStageResult> {
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const r of resources) kinds.set(kindKey(r.apiVersion, r.kind), { apiVersion: r.apiVersion, kind: r.kind });
    if (this.locations.includes('default')) await preloadBuiltins([...kinds.keys()].filter((k) => !this.crds.has(k) && !this.checker.kindModel(k)), this.strict);
    const validators = new Map<string, KindValidator | undefined>();
    await Promise.all([...kinds].map(async ([key, k]) => validators.set(key, await this.resolve(k.apiVersion, k.kind))));
    // What the stage says about a kind as such (lifecycle, availability, alpha, missing schema) is the
    // same for every object of the kind: worked out once per kind, not per object.
    // By apiVersion, then kind: kindKey joins the two with '/', which a garbage kind could collide with.
    const plans = new Map<string, Map<string, KindPlan>>();
    const findings: Finding[] = [];
    const skipped: K8sResource[] = [];
    for (const r of resources) {
      let byKind = plans.get(r.apiVersion);
      if (!byKind) plans.set(r.apiVersion, (byKind = new Map()));
      let plan = byKind.get(r.kind);
      if (!plan) {
        const key = kindKey(r.apiVersion, r.kind);
        plan = this.plan(r.apiVersion, r.kind, key, validators.get(key));
        byKind.set(r.kind, plan);
      }
      for (const p of plan.problems) findings.push(problemToFinding(r, p));
      if (plan.skip) skipped.push(r);
      else if (plan.validator) for (const p of this.checkOne(r.object, plan.validator)) findings.push(problemToFinding(r, p));
    }
    const origins: Record<string, string> = {};
    for (const [k, v] of [...validators].sort(([a], [b]) => (a < b ? -1 : 1))) if (v) origins[k] = v.origin;
    return { findings, skipped, origins };
  }

  /** The kind-level problems of `apiVersion`/`kind`, in report order, and whether its objects are checked. */
  private plan(apiVersion: string, kind: string, key: string, v: KindValidator | undefined): KindPlan {
    const problems: SchemaProblem[] = [];
    const lifecycle = apiLifecycleFinding(apiVersion, kind, this.target, this.served);
    if (lifecycle) problems.push(lifecycle as SchemaProblem);
    // A removed or not-yet-served API cannot be created at all: that is the finding, not its fields.
    const unavailable = this.crds.has(key) ? undefined : this.availability(apiVersion, kind, lifecycle?.policyId === 'kube-api/removed');
    if (unavailable) problems.push(unavailable);
    if (unavailable || lifecycle?.policyId === 'kube-api/removed') return { problems, skip: false };
    if (v?.table && /^v\d+alpha\d+$/.test(apiVersion.slice(apiVersion.lastIndexOf('/') + 1)) && !this.isServedPerFlag(key)) {
      problems.push({
        policyId: 'kube-api/alpha',
        severity: 'info',
        message: `${apiVersion} ${kind} is an alpha API: Kubernetes 1.${this.target} serves it only when the cluster enables it (--runtime-config), and it may change or disappear in any release`,
        jsonPointer: '/apiVersion',
        hint: `use a beta or stable version if there is one, or pass --api-versions ${apiVersion} when the target cluster enables it`,
      });
    }
    if (!v) {
      if (this.options.ignoreMissingSchemas) return { problems, skip: true };
      problems.push({
        policyId: 'kube-schema/missing-schema',
        severity: 'error',
        message: `no schema for ${apiVersion} ${kind}: it cannot be validated`,
        jsonPointer: '/kind',
        hint: 'pass its CRD with --crd FILE or a --schema-location, fix a misspelt apiVersion/kind, or use --ignore-missing-schemas to skip it',
      });
      return { problems, skip: false };
    }
    return { problems, skip: false, validator: v };
  }

  /** Problems for one object (no positions). Deeply nested garbage is a finding, not a crash. */
  checkOne(object: Record<string, unknown>, v: KindValidator): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    if (v.broken !== undefined) {
      return [{ policyId: 'kube-schema/invalid-schema', severity: 'error', message: `the schema for this kind (${v.origin}) cannot be used: ${v.broken}`, jsonPointer: '/kind', hint: 'fix the CRD or schema file; the object was not checked' }];
    }
    try {
      if (v.table) return v.table.checker.check(object, v.table.model, this.strict);
      // The API server fills in CRD defaults before it validates (and its rules see them).
      const obj = v.extensions?.hasDefaults ? (crdExtensions!.applyDefaults(object, v.extensions) as Record<string, unknown>) : object;
      if (v.validate && !v.validate(obj)) problems.push(...ajvErrorsToProblems(v.validate.errors ?? [], obj));
      if (v.extensions) crdExtensions!.checkExtensions(obj, v.extensions, '', problems);
      if (this.strict) {
        if (v.fieldsType) {
          for (const u of findUnknownFields(obj, v.fieldsType, this.models)) problems.push(unknownFieldProblem(u.pointer, u.key, u.allowed));
        } else if (obj.metadata && typeof obj.metadata === 'object') {
          // JSON-schema kinds declare `metadata: object`: the target version's ObjectMeta closes it.
          for (const p of this.checker.check(obj.metadata, 'meta.v1.ObjectMeta', true, '/metadata')) if (p.policyId === 'kube-schema/unknown-field') problems.push(p);
        }
      }
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      problems.push({ policyId: 'kube-schema/invalid', severity: 'error', message: 'object is nested too deeply to validate', jsonPointer: '' });
    }
    return problems;
  }
}

/** A validator for a Kubernetes-style schema (`schema` already converted, `raw` as written). */
async function compileKube(schema: JsonSchema, raw: JsonSchema | undefined, origin: string): Promise<KindValidator> {
  try {
    const extensions = raw ? (await loadCrdExtensions()).compileExtensions(raw) : undefined;
    // A cached standalone validator when the schema allows it (validator-bundle.ts), else ajv compiles it now.
    const validate = ((await cachedSchemaValidator(schema)) ?? (await compileJsonSchema(schema))) as unknown as Validate;
    return { validate, origin, ...(extensions ? { extensions } : {}) };
  } catch (err) {
    if (!(err instanceof SchemaCompileError)) throw err;
    return { validate: (() => true) as Validate, origin, broken: err.message };
  }
}

export function normalizeKubeVersion(v: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) return v;
  return `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
}
