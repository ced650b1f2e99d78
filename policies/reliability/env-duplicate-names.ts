import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { objs } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'env-duplicate-names',
    title: 'No duplicate environment variable names',
    category: 'reliability',
    severity: 'warning',
    scope: 'resource',
    kinds: POD_TEMPLATE_KINDS,
    description:
      'When a container lists the same `env` name twice, the last entry wins silently: a value set by the chart is overridden by a later `extraEnv`, or the reverse, and `kubectl apply` / server-side apply then merge the list by name unpredictably. Every name may appear once per container (in `env`; `envFrom` sources are expected to overlap and are not judged).',
    remediation: 'Remove the earlier entry, or rename one of the variables.',
    references: ['https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/'],
    messages: { duplicate: 'container "{{container}}" sets {{env}} more than once (first at env[{{first}}])' },
    equivalents: ['kube-linter:duplicate-env-var', 'kube-score:environment-variable-key-duplication'],
  },
  check(r) {
    const pod = podOf(r);
    if (!pod) return [];
    const out: Violation[] = [];
    for (const c of containersOf(pod)) {
      const seen = new Map<string, number>();
      objs(c.container.env).forEach((e, i) => {
        if (typeof e.name !== 'string') return;
        const first = seen.get(e.name);
        if (first === undefined) seen.set(e.name, i);
        else out.push({ messageId: 'duplicate', data: { container: c.name, env: e.name, first }, pointer: `${c.pointer}/env/${i}/name`, container: c.name });
      });
    }
    return out;
  },
});
