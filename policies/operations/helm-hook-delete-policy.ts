import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { helmHooks } from './util.ts';

export default definePolicy({
  meta: {
    id: 'helm-hook-delete-policy',
    title: 'Helm hooks have a delete policy',
    category: 'operations',
    severity: 'warning',
    scope: 'resource',
    kinds: ['*'],
    description:
      'Helm does not track hook resources as part of the release: without `helm.sh/hook-delete-policy` a hook Job, Pod, ConfigMap or Secret outlives `helm uninstall` (with whatever credentials it holds), and only the implicit `before-hook-creation` of the next run removes it. Every object with a `helm.sh/hook` annotation must say when it is deleted (`before-hook-creation`, `hook-succeeded`, `hook-failed`).',
    remediation: 'Add `helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded` (keep failed hooks for debugging by leaving out `hook-failed`).',
    references: ['https://helm.sh/docs/topics/charts_hooks/#hook-deletion-policies'],
    messages: { missing: '{{kind}} is a Helm hook ({{events}}) without helm.sh/hook-delete-policy: it outlives helm uninstall' },
  },
  check(r) {
    const events = helmHooks(r);
    if (events.length === 0) return [];
    const policy = obj(obj(r.object.metadata)?.annotations)?.['helm.sh/hook-delete-policy'];
    return typeof policy === 'string' && policy.trim() ? [] : [{ messageId: 'missing', data: { kind: r.kind, events: events.join(',') }, pointer: '/metadata/annotations' }];
  },
});
