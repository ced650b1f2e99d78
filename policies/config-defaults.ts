/**
 * The parts of the policy configuration that policies and the engine read on every run: the default
 * settings and the exemption glob. Kept apart from config.ts, whose Zod schemas (~80 ms to load) are
 * needed only when a `.nexus-policy.yaml` is read or its JSON Schema is generated.
 */

/** Looked up in the working directory when no `--policy-config` is given. */
export const DEFAULT_CONFIG_FILE = '.nexus-policy.yaml';

export const DEFAULT_SETTINGS = {
  requireCpuLimit: false,
  requireDigestIn: [] as string[],
  forbidPlaintextSecretsIn: ['production'],
  externalSecrets: [] as string[],
  externalConfigMaps: [] as string[],
  externalPods: [] as { namespace?: string | undefined; labels: Record<string, string> }[],
  externalServiceAccounts: [] as string[],
  minReplicas: 2,
  singleReplicaAllowedIn: ['development', 'staging'],
  proxyDrainSeconds: 5,
  requireDatabaseTlsIn: ['production'],
  haMinReplicas: 2,
};

const globs = new Map<string, RegExp>();

/** Glob with `*` only (anchored). */
export function globMatch(pat: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!pat.includes('*')) return pat === value;
  let re = globs.get(pat);
  if (!re) globs.set(pat, (re = new RegExp(`^${pat.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)));
  return re.test(value);
}
