/**
 * Registry and repository credentials: from the environment or a file, never from argv (argv is
 * visible in `ps` and CI logs). There is deliberately no --password flag.
 */
import { existsSync, readFileSync } from 'node:fs';
import { NexusError } from '../util/errors.ts';

export interface Credentials {
  username: string;
  password: string;
}

export type CredentialKind = 'OCI' | 'REPO';

/**
 * `NEXUS_<KIND>_USERNAME` (or `username`), and the password from `passwordFile` (first line),
 * `NEXUS_<KIND>_PASSWORD_FILE` or `NEXUS_<KIND>_PASSWORD`. Neither set → anonymous (undefined).
 */
export function resolveCredentials(kind: CredentialKind, flags: { username?: string; passwordFile?: string }, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  // Empty variables count as unset (CI often defines them empty for forks).
  const username = flags.username || env[`NEXUS_${kind}_USERNAME`] || undefined;
  const file = flags.passwordFile || env[`NEXUS_${kind}_PASSWORD_FILE`] || undefined;
  let password = env[`NEXUS_${kind}_PASSWORD`] || undefined;
  if (file !== undefined) {
    if (!existsSync(file)) throw new NexusError(`password file not found: ${file}`, { location: { file } });
    password = readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
  }
  if (username === undefined && password === undefined) return undefined;
  if (!username || !password) {
    throw new NexusError(`incomplete ${kind === 'OCI' ? 'registry' : 'repository'} credentials: ${username ? 'a password' : 'a username'} is missing`, {
      hint: `set NEXUS_${kind}_USERNAME and NEXUS_${kind}_PASSWORD (or NEXUS_${kind}_PASSWORD_FILE / --${kind.toLowerCase()}-password-file)`,
    });
  }
  return { username, password };
}

export function basicAuth(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
}
