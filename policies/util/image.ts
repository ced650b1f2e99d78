/** Splits an image reference `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImage(ref: string): ImageRef {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  return { repository: colon > slash ? rest.slice(0, colon) : rest, tag: tag || undefined, digest: digest || undefined };
}

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/** A tag that names a moving target. */
export function isMutableTag(tag: string | undefined): boolean {
  return tag === undefined || ['latest', 'main', 'master', 'stable', 'edge', 'dev', 'nightly'].includes(tag.toLowerCase());
}
