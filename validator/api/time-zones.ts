/**
 * IANA time zone names the API server's time.LoadLocation knows (case-sensitive), from the generated
 * table validator/api/generated/time-zones.json (scripts/build-time-zones.mjs). "UTC" always works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../util/paths.ts';

let zones: Set<string> | undefined;

export function isKnownTimeZone(name: string): boolean {
  zones ??= new Set((JSON.parse(readFileSync(join(PROJECT_ROOT, 'validator', 'api', 'generated', 'time-zones.json'), 'utf8')) as { zones: string[] }).zones);
  return name === 'UTC' || zones.has(name);
}
