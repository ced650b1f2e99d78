/**
 * PlatformConfig: the single source of truth for the NEXUS platform. Everything else (charts,
 * values.schema.json, values.yaml, docs, the validator's values check) derives from this module.
 */
import { z } from 'zod';
import { BackendSection } from './backend.ts';
import { CacheSection } from './cache.ts';
import { ExternalSecretsSection } from './external-secrets.ts';
import { DatabaseSection } from './database.ts';
import { FrontendSection } from './frontend.ts';
import { GatewaySection } from './gateway.ts';
import { GlobalSection } from './global.ts';
import { LoadtestSection } from './loadtest.ts';
import { LoggingSection } from './logging.ts';
import { MonitoringSection } from './monitoring.ts';
import { NamespaceSection } from './namespace.ts';
import { prerequisiteDefs, prerequisitesOf, type Prerequisite, type PrerequisiteDef } from './prerequisites.ts';
import { applyCrossFieldRules, placedChecks, ruleModel, type PlacedCheck, type RuleModel } from './rules.ts';
import { SecuritySection } from './security.ts';
import { TestsSection } from './tests.ts';

/**
 * Helm copies the umbrella's `global` into every subchart's values before it validates them against
 * the parent's schema too, so each tier section must accept it (both Helm 3 and 4 fail otherwise).
 */
const helmGlobal = z.record(z.string(), z.unknown()).optional().describe('The umbrella\'s `global` values, which Helm copies into every subchart: set them at the top level of the umbrella. When this chart is installed alone, these defaults apply.');

/** Helm creates a values key for every dependency: a tier chart installed alone has its own nexus-lib. */
const helmLibrary = z.record(z.string(), z.unknown()).optional().describe('Injected by Helm for the `nexus-lib` library chart; it reads nothing from here.');

/**
 * `exports.tier.installed: true`, which the umbrella imports into `global.tiers.<tier>` (Chart.yaml
 * `import-values`). Helm drops a disabled subchart before importing, so every chart learns which
 * sibling tiers are installed: the monitoring chart provisions Loki only when the logging tier is there.
 * (Each tier imports into a path of its own: Helm merges imports into the first child's map when
 * several share one, which would leak every tier into that child's values.)
 */
const installedMarker = () =>
  z
    .strictObject({
      tier: z
        .strictObject({ installed: z.literal(true).default(true).describe('Always true: present only while this chart is installed.') })
        .prefault({})
        .describe('Imported by the umbrella into `global.tiers.<tier>`.'),
    })
    .prefault({})
    .describe('Read by Helm, never set: tells the sibling charts (through `global.tiers`) that this tier is installed.');

function withHelmGlobal<Shape extends z.core.$ZodLooseShape>(section: z.ZodPrefault<z.ZodObject<Shape, z.core.$strict>>) {
  // Every key of a section has a default, so `{}` is a valid input; the cast only tells TypeScript so.
  const extended = section.unwrap().extend({ global: helmGlobal, 'nexus-lib': helmLibrary, exports: installedMarker() });
  return extended.prefault({} as z.input<typeof extended>).describe(section.description ?? '');
}

/**
 * Tiers that become subcharts, in install order. The key is both the values key and the chart name.
 * Adding a tier: write its section, add it here, add its templates under generator/templates/<tier>.
 */
export const TIER_SECTIONS = {
  frontend: withHelmGlobal(FrontendSection),
  backend: withHelmGlobal(BackendSection),
  database: withHelmGlobal(DatabaseSection),
  cache: withHelmGlobal(CacheSection),
  gateway: withHelmGlobal(GatewaySection),
  monitoring: withHelmGlobal(MonitoringSection),
  logging: withHelmGlobal(LoggingSection),
} as const;

export type TierName = keyof typeof TIER_SECTIONS;
export const TIER_NAMES = Object.keys(TIER_SECTIONS) as TierName[];

/** Sections the umbrella chart renders itself. */
export const UMBRELLA_SECTIONS = {
  global: GlobalSection,
  namespace: NamespaceSection,
  security: SecuritySection,
  tests: TestsSection,
  loadtest: LoadtestSection,
  externalSecrets: ExternalSecretsSection,
} as const;

/** The model without cross-field rules: exactly what values.schema.json can express. */
export const PlatformConfigBase = z
  .strictObject({
    global: UMBRELLA_SECTIONS.global,
    namespace: UMBRELLA_SECTIONS.namespace,
    frontend: TIER_SECTIONS.frontend,
    backend: TIER_SECTIONS.backend,
    database: TIER_SECTIONS.database,
    cache: TIER_SECTIONS.cache,
    gateway: TIER_SECTIONS.gateway,
    monitoring: TIER_SECTIONS.monitoring,
    logging: TIER_SECTIONS.logging,
    security: UMBRELLA_SECTIONS.security,
    tests: UMBRELLA_SECTIONS.tests,
    loadtest: UMBRELLA_SECTIONS.loadtest,
    externalSecrets: UMBRELLA_SECTIONS.externalSecrets,
    // Helm creates a values key for every dependency, the library chart included.
    'nexus-lib': helmLibrary,
  })
  .describe('NEXUS platform configuration (values of the `nexus` umbrella chart).');

let checks: PlacedCheck[] | undefined;

/** Every cross-field check (rules.ts) for this model, placed in the chart whose Helm guard enforces it. */
export function ruleChecks(): PlacedCheck[] {
  checks ??= placedChecks(ruleModelOf());
  return checks;
}

/** What the rules and prerequisites iterate over (stateless tiers, images, PDBs), from the defaults. */
export function ruleModelOf(): RuleModel {
  return ruleModel(defaultConfig() as unknown as Record<string, unknown>, TIER_NAMES);
}

/** The prerequisites table (schema/prerequisites.ts) for this model's stateless tiers. */
export function prerequisiteTable(): PrerequisiteDef[] {
  return prerequisiteDefs(ruleModelOf().statelessTiers);
}

/** What a parsed config needs in the cluster (Secrets, StorageClasses, APIs, controllers). */
export function prerequisites(config: PlatformConfig): Prerequisite[] {
  // Secrets that ExternalSecret objects of this release write are not there before the install: ESO
  // creates them right after (the Go list, generator/prerequisites-template.ts, drops them the same way).
  const managed = config.externalSecrets?.enabled ? new Set(Object.keys(config.externalSecrets.secrets)) : new Set<string>();
  return prerequisitesOf(config, prerequisiteTable()).filter((p) => !(p.kind === 'Secret' && managed.has(p.name)));
}

/** The full model: structure plus the cross-field rules in rules.ts (which Helm enforces too). */
export const PlatformConfig = PlatformConfigBase.superRefine((config, ctx) => applyCrossFieldRules(config, ctx, ruleChecks()));

export type PlatformConfig = z.infer<typeof PlatformConfigBase>;
export type PlatformConfigInput = z.input<typeof PlatformConfigBase>;
export type FrontendConfig = z.infer<typeof FrontendSection>;
export type BackendConfig = z.infer<typeof BackendSection>;
export type DatabaseConfig = z.infer<typeof DatabaseSection>;
export type CacheConfig = z.infer<typeof CacheSection>;
export type GatewayConfig = z.infer<typeof GatewaySection>;
export type MonitoringConfig = z.infer<typeof MonitoringSection>;
export type LoggingConfig = z.infer<typeof LoggingSection>;
export type SecurityConfig = z.infer<typeof SecuritySection>;
export type NamespaceConfig = z.infer<typeof NamespaceSection>;
export type TestsConfig = z.infer<typeof TestsSection>;
export type LoadtestConfigValues = z.infer<typeof LoadtestSection>;
export type { GlobalConfig } from './global.ts';

export { CROSS_FIELD_RULES } from './rules.ts';
export {
  BackendSection,
  CacheSection,
  DatabaseSection,
  FrontendSection,
  GatewaySection,
  GlobalSection,
  LoadtestSection,
  LoggingSection,
  MonitoringSection,
  NamespaceSection,
  SecuritySection,
  TestsSection,
};

/** Every default, fully resolved: what `values.yaml` carries. */
export function defaultConfig(): PlatformConfig {
  return PlatformConfigBase.parse({});
}
