/** Pod Security Standards levels and policy versions (`pod-security.kubernetes.io/enforce(-version)`). */
export type PssLevel = 'baseline' | 'restricted';
export type PssVersion = { major: 1; minor: number } | 'latest';

/** The newest policy version this implementation knows (upstream pod-security-admission v1.37). */
export const LATEST_MINOR = 37;

export const LEVEL_LABEL = 'pod-security.kubernetes.io/enforce';
export const VERSION_LABEL = 'pod-security.kubernetes.io/enforce-version';

export function parseLevel(v: string | undefined): PssLevel | 'privileged' | undefined {
  return v === 'baseline' || v === 'restricted' || v === 'privileged' ? v : undefined;
}

/** `latest`, `v1.37` or `1.37`; undefined if malformed. Versions newer than we know mean latest. */
export function parseVersion(v: string | undefined): PssVersion | undefined {
  if (v === undefined) return undefined;
  if (v === 'latest') return 'latest';
  const m = /^v?1\.(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  return { major: 1, minor: Number(m[1]) };
}

/** The effective minor version a check set is chosen for. */
export function minorOf(v: PssVersion): number {
  return v === 'latest' ? LATEST_MINOR : Math.min(v.minor, LATEST_MINOR);
}
