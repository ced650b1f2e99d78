import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';
import type { Violation } from '../types.ts';

export default definePolicy({
  meta: {
    id: 'cronjob-history-limits',
    title: 'CronJob history limits are explicit and small',
    category: 'jobs',
    severity: 'warning',
    scope: 'resource',
    kinds: ['CronJob'],
    description: 'CronJobs keep finished Jobs (and their pods and logs) according to `successfulJobsHistoryLimit` and `failedJobsHistoryLimit`. Both must be set explicitly, at most 10 (every kept Job is objects in etcd), and `failedJobsHistoryLimit` at least 1 so the last failure can be inspected.',
    remediation: 'Set `successfulJobsHistoryLimit: 3` and `failedJobsHistoryLimit: 3` (or similar).',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits'],
    messages: {
      unset: '{{field}} is not set',
      high: '{{field}} is {{value}} (more than 10)',
      zero: 'failedJobsHistoryLimit is 0: failures leave no trace',
    },
  },
  check(r) {
    const spec = obj(r.object.spec);
    const out: Violation[] = [];
    for (const field of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
      const v = spec?.[field];
      const pointer = `/spec/${field}`;
      if (typeof v !== 'number') out.push({ messageId: 'unset', data: { field }, pointer });
      else if (v > 10) out.push({ messageId: 'high', data: { field, value: v }, pointer });
      else if (v === 0 && field === 'failedJobsHistoryLimit') out.push({ messageId: 'zero', pointer });
    }
    return out;
  },
});
