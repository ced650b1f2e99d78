import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import { isHelmManagedHook } from './util.ts';

export default definePolicy({
  meta: {
    id: 'job-ttl',
    title: 'Standalone Jobs are cleaned up',
    category: 'jobs',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Job'],
    description: 'Finished Jobs and their pods stay until deleted; a standalone Job (not created by a CronJob, which has history limits) needs `ttlSecondsAfterFinished`. Helm hooks with a `helm.sh/hook-delete-policy` are cleaned by Helm and pass.',
    remediation: 'Set `spec.ttlSecondsAfterFinished` (e.g. 86400), or a hook delete policy for Helm hooks.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/'],
    equivalents: ['kube-linter:job-ttl-seconds-after-finished'],
    messages: { missing: 'Job has no ttlSecondsAfterFinished' },
  },
  check(r) {
    if (isHelmManagedHook(r)) return [];
    return typeof obj(r.object.spec)?.ttlSecondsAfterFinished === 'number' ? [] : [{ messageId: 'missing', pointer: '/spec/ttlSecondsAfterFinished' }];
  },
});
