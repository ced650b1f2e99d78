/**
 * Chart provenance (.prov) in Helm's format, signed by GnuPG.
 *
 * Helm can only sign the archive it writes itself, and that archive is not reproducible (see
 * archive.ts), so we sign the canonical archive ourselves. The signed message is exactly what
 * `helm package --sign` signs: the chart metadata as helm serialises it (`helm show chart`), the YAML
 * end marker `...`, and `files: {<name>.tgz: sha256:<hex>}`, clear-signed with SHA-512. `helm verify`
 * (3 and 4) accepts it. Keys: RSA (Helm 3 rejects ed25519), given as a keyring file such as a legacy
 * `secring.gpg` (what helm's own --keyring takes) or any `gpg --export-secret-keys` output. The key is
 * imported into a throw-away GNUPGHOME; the passphrase comes from a file, never from argv.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { onCleanup } from '../util/cleanup.ts';
import { NexusError } from '../util/errors.ts';
import { faultPointAsync } from '../util/fault.ts';
import { helmOrThrow, type HelmRunner } from './helm-exec.ts';
import { isProcessAlive } from '../util/pid.ts';

export interface SignOptions {
  /** Key name, e-mail or fingerprint (as `helm package --key`). */
  key: string;
  /** Secret keyring file (legacy secring.gpg or an exported secret key). */
  keyring: string;
  /** File whose first line is the key's passphrase; omit for an unprotected key. */
  passphraseFile?: string;
}

const GPG_HINT = 'install GnuPG (`bash scripts/install-system-deps.sh` installs gnupg), or set NEXUS_GPG to its path';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        reject(new NexusError(`cannot run ${bin}: ${(error as NodeJS.ErrnoException).code}`, { hint: GPG_HINT, cause: error }));
        return;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.on('error', () => undefined); // gpg may exit before reading its input
    child.stdin?.end(input ?? '');
  });
}

function gpgComplaint(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => l.replace(/^gpg: /, '').trim())
    .filter((l) => l && !/keybox .* created|trustdb created|directory .* created/.test(l))
    .slice(-3)
    .join('; ');
}

/** The message helm signs for an archive (see the module comment). */
export async function provenanceMessage(helm: HelmRunner, tgzPath: string, sha256: string): Promise<string> {
  const metadata = await helmOrThrow(helm, ['show', 'chart', tgzPath], 'reading the chart metadata for signing');
  return `${metadata.replace(/\n+$/, '')}\n\n...\nfiles:\n  ${basename(tgzPath)}: sha256:${sha256}\n`;
}

const GPG_HOME_PREFIX = 'nexus-gpg-';

/**
 * Stops the gpg-agent of `home` through its own socket (`gpgconf --homedir H --kill gpg-agent`
 * connects to that home's socket, wherever gpg placed it) and removes the home with the key material.
 * Synchronous: it also runs from signal handlers and the exit hook.
 */
function destroyGpgHome(home: string): void {
  spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore', timeout: 10_000, env: { ...process.env, GNUPGHOME: home } });
  rmSync(home, { recursive: true, force: true });
}


/**
 * Homes left by runs that were killed outright (SIGKILL runs no handler): their agent is stopped and
 * their key material removed. A home is only touched when the process that made it is gone.
 */
export function sweepStaleGpgHomes(dir = tmpdir()): string[] {
  const swept: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return swept;
  }
  for (const name of names) {
    const m = new RegExp(`^${GPG_HOME_PREFIX}(\\d+)-`).exec(name);
    if (!m || isProcessAlive(Number(m[1]))) continue;
    destroyGpgHome(join(dir, name));
    swept.push(join(dir, name));
  }
  return swept;
}

/**
 * Clear-signs `message` with the key; returns the .prov text. The key is imported into a mode-0700
 * home that is destroyed (agent stopped, files removed) on every way out: success, error, SIGINT,
 * SIGTERM, SIGHUP; a home left by a SIGKILL is swept by the next run.
 */
export async function clearSign(message: string, options: SignOptions): Promise<string> {
  for (const [what, file] of [['keyring', options.keyring], ['passphrase file', options.passphraseFile]] as const) {
    if (file !== undefined && !existsSync(file)) throw new NexusError(`signing ${what} not found: ${file}`, { location: { file } });
  }
  const gpg = process.env.NEXUS_GPG ?? 'gpg';
  sweepStaleGpgHomes();
  // Short path: gpg-agent's socket path must stay under the 108-byte limit. The pid in the name
  // lets a later run tell a live home from an abandoned one.
  const home = mkdtempSync(join(tmpdir(), `${GPG_HOME_PREFIX}${process.pid}-`));
  chmodSync(home, 0o700);
  const destroy = onCleanup(() => destroyGpgHome(home));
  const env = { ...process.env, GNUPGHOME: home, LC_ALL: 'C' };
  const common = ['--batch', '--no-tty', '--pinentry-mode', 'loopback', ...(options.passphraseFile ? ['--passphrase-file', options.passphraseFile] : ['--passphrase', ''])];
  try {
    const imported = await run(gpg, [...common, '--import', options.keyring], env);
    if (imported.code !== 0) {
      throw new NexusError(`cannot import the signing keyring ${options.keyring}: ${gpgComplaint(imported.stderr)}`, {
        location: { file: options.keyring },
        hint: 'pass a secret keyring: a legacy secring.gpg or `gpg --export-secret-keys KEY > key.gpg`',
      });
    }
    await faultPointAsync('sign:imported');
    const signed = await run(gpg, [...common, '--local-user', options.key, '--digest-algo', 'SHA512', '--armor', '--clearsign'], env, message);
    await faultPointAsync('sign:signed');
    if (signed.code !== 0 || !signed.stdout.includes('BEGIN PGP SIGNATURE')) {
      const said = gpgComplaint(signed.stderr);
      const hint = /bad passphrase|no passphrase/i.test(said)
        ? 'check --passphrase-file (its first line is the passphrase)'
        : /no default secret key|secret key not available|skipped/i.test(said)
          ? `no secret key matching "${options.key}" in ${options.keyring}; --key takes the key's name, e-mail or fingerprint`
          : undefined;
      throw new NexusError(`signing with key "${options.key}" failed: ${said || `gpg exited ${signed.code}`}`, { hint });
    }
    return signed.stdout;
  } finally {
    destroy();
  }
}

/** The key id line helm prints on a successful verify ("Signed by: ..."), for reports. */
export function signerOf(verifyOutput: string): string | undefined {
  return /^Signed by: (.+)$/m.exec(verifyOutput)?.[1]?.trim();
}

/** `helm verify` with a public keyring: a tampered archive or foreign key → NexusError (exit 2). */
export async function verifyChart(helm: HelmRunner, tgzPath: string, publicKeyring: string): Promise<string> {
  if (!existsSync(publicKeyring)) throw new NexusError(`public keyring not found: ${publicKeyring}`, { location: { file: publicKeyring } });
  const out = await helmOrThrow(helm, ['verify', tgzPath, '--keyring', publicKeyring], `provenance check of ${basename(tgzPath)}`, {
    hint: 'the archive or its .prov was changed after signing, or the keyring lacks the signer\'s public key; re-run `nexus package --sign`',
  });
  return signerOf(out) ?? 'unknown signer';
}
