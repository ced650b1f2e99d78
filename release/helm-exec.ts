/** Running helm for the release path: a failing helm command becomes a NexusError (exit 2) that quotes helm. */
import { runHelm, type Helm } from '../validator/helm.ts';
import { NexusError } from '../util/errors.ts';

export type HelmRunner = Pick<Helm, 'bin' | 'env'>;

/** helm's own complaint, trimmed to its informative lines (helm prefixes them with "Error: "). */
export function helmComplaint(stderr: string, stdout = ''): string {
  const lines = (stderr || stdout).split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^error:/i.test(l));
  return (errors.length ? errors : lines.slice(-3)).join('; ').replace(/^Error: /i, '');
}

export async function helmOrThrow(
  helm: HelmRunner,
  args: string[],
  what: string,
  options: { cwd?: string; input?: string; hint?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<string> {
  const runner = options.env ? { bin: helm.bin, env: { ...helm.env, ...options.env } } : helm;
  const result = await runHelm(runner, args, { cwd: options.cwd, input: options.input, timeoutMs: options.timeoutMs });
  if (result.code !== 0) {
    throw new NexusError(`${what} failed: \`helm ${args[0]}\` exited ${result.code}: ${helmComplaint(result.stderr, result.stdout)}`, { hint: options.hint });
  }
  return result.stdout;
}
