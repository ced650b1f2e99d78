import { definePolicy } from '../util/define.ts';
import { jobSpecOf } from './util.ts';

export default definePolicy({
  meta: {
    id: 'job-deadline',
    title: 'Jobs have a deadline',
    category: 'jobs',
    severity: 'warning',
    scope: 'resource',
    kinds: ['Job', 'CronJob'],
    description: 'A Job without `activeDeadlineSeconds` can hang forever (a stuck backup holding a lock, a migration waiting on a dead connection) and, for a CronJob with `concurrencyPolicy: Forbid`, block every later run.',
    remediation: 'Set `activeDeadlineSeconds` on the Job spec (for CronJobs: `spec.jobTemplate.spec`).',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup'],
    messages: { missing: '{{kind}} has no activeDeadlineSeconds' },
  },
  check(r) {
    const j = jobSpecOf(r);
    if (!j) return [];
    return typeof j.spec.activeDeadlineSeconds === 'number' ? [] : [{ messageId: 'missing', data: { kind: r.kind }, pointer: `${j.pointer}/activeDeadlineSeconds` }];
  },
});
