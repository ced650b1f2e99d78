import type { K8sResource } from '../../core/types.ts';
import { obj, str } from '../util/json.ts';

/** The Helm hook events of an object (`helm.sh/hook: pre-upgrade,post-install`), empty when it is no hook. */
export function helmHooks(r: K8sResource): string[] {
  const v = str(obj(obj(r.object.metadata)?.annotations)?.['helm.sh/hook']);
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** Everything a container runs: command, args and, for `sh -c` scripts, the script text. */
export function commandText(container: Record<string, unknown>): string {
  const parts = [container.command, container.args].flatMap((v) => (Array.isArray(v) ? v : [])).filter((x): x is string => typeof x === 'string');
  return parts.join(' ');
}
