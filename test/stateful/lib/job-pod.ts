/**
 * Runs a RENDERED backup/restore pod the way the kubelet does: its init containers in order, then its
 * main container, stopping at the first failure. Each step runs its rendered command (the script from
 * the rendered scripts ConfigMap, under the rendered shell) with its rendered environment. Only what a
 * cluster provides is replaced: the pod's mount paths (mapped to temp directories), Secret values
 * (given by the test) and the PostgreSQL address.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync, serviceTempDir } from './proc.ts';
import { configMapData, type K8sObject } from './render.ts';

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = { name: string; image: string; command: string[]; env?: EnvVar[]; volumeMounts?: { name: string; mountPath: string }[] };

export interface PodStep {
  name: string;
  image: string;
  command: string[];
  env: Record<string, string>;
  /** Variables the pod takes from Secrets: `<secret>/<key>` by variable name. */
  secretEnv: Record<string, string>;
}

export function podSpec(job: K8sObject): { initContainers?: Container[]; containers: Container[] } {
  return job.kind === 'CronJob' ? (job as any).spec.jobTemplate.spec.template.spec : (job as any).spec.template.spec;
}

/** The steps of a rendered Job/CronJob pod, init containers first. */
export function podSteps(job: K8sObject): PodStep[] {
  const spec = podSpec(job);
  return [...(spec.initContainers ?? []), ...spec.containers].map((c) => ({
    name: c.name,
    image: c.image,
    command: c.command,
    env: Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])),
    secretEnv: Object.fromEntries((c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, `${e.valueFrom!.secretKeyRef!.name}/${e.valueFrom!.secretKeyRef!.key}`])),
  }));
}

/** Writes the rendered scripts ConfigMap to a directory the service user can read (the /scripts mount). */
export function writeScripts(objects: K8sObject[], name = 'nexus-database-scripts'): string {
  const dir = serviceTempDir('nexus-scripts-');
  for (const [file, body] of Object.entries(configMapData(objects, name))) writeFileSync(join(dir, file), body, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return dir;
}

export interface PodRun {
  ok: boolean;
  /** Steps that ran, in order, with their output. */
  steps: { name: string; status: number | null; stderr: string }[];
  /** Everything the steps wrote to stderr. */
  log: string;
  failed?: string;
}

export interface PodMounts {
  /** Mount path -> host directory (e.g. /scripts, /backups, /keys). */
  paths: Record<string, string>;
  /** Secret values by `<secret>/<key>` (the secretKeyRefs of the rendered env). */
  secrets: Record<string, string>;
  /** Environment every step gets on top of the rendered one (e.g. the test server's PGHOST/PGPORT). */
  env?: Record<string, string>;
  /** Per-image-kind extra environment: `postgres` steps (bash) or `uploader` steps (sh). */
  envFor?: (step: PodStep) => Record<string, string>;
}

/** Maps a pod path to the host directory of its mount (longest mount prefix wins). */
function mapPath(value: string, paths: Record<string, string>): string {
  const mount = Object.keys(paths)
    .sort((a, b) => b.length - a.length)
    .find((m) => value === m || value.startsWith(`${m}/`));
  return mount ? paths[mount]! + value.slice(mount.length) : value;
}

/**
 * Runs the pod's steps as the pod's non-root user (the service user), each in a fresh process, with a
 * fresh per-pod hand-off directory and /tmp, as one pod run does.
 */
export async function runPod(job: K8sObject, mounts: PodMounts): Promise<PodRun> {
  const handoff = serviceTempDir('nexus-handoff-');
  const tmp = serviceTempDir('nexus-podtmp-');
  mkdirSync(join(tmp, 'gnupg'), { recursive: true });
  const paths = { '/run/nexus-backup': handoff, '/tmp': tmp, ...mounts.paths };
  const run: PodRun = { ok: true, steps: [], log: '' };
  for (const step of podSteps(job)) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env)) env[k] = mapPath(v, paths);
    for (const [k, ref] of Object.entries(step.secretEnv)) {
      const value = mounts.secrets[ref];
      if (value === undefined) throw new Error(`step ${step.name} reads Secret key ${ref}, which the test did not provide`);
      env[k] = value;
    }
    // The pod user's HOME (the image's postgres user has its own; libpq looks for client certificates there).
    env.HOME ??= tmp;
    Object.assign(env, mounts.env ?? {}, mounts.envFor?.(step) ?? {});
    const [shell, script, ...args] = step.command;
    const r = await runAsync(shell!, [mapPath(script!, paths), ...args], { env: { ...env, AWS_CA_BUNDLE: '' }, asService: true, cwd: tmp });
    run.steps.push({ name: step.name, status: r.status, stderr: r.stderr });
    run.log += r.stderr;
    if (r.status !== 0) {
      run.ok = false;
      run.failed = step.name;
      break;
    }
  }
  return run;
}
