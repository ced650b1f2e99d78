import { definePolicy } from '../util/define.ts';
import { obj } from '../util/json.ts';

export default definePolicy({
  meta: {
    id: 'cronjob-starting-deadline',
    title: 'CronJobs have a startingDeadlineSeconds',
    category: 'jobs',
    severity: 'warning',
    scope: 'resource',
    kinds: ['CronJob'],
    description:
      'Without `startingDeadlineSeconds` the CronJob controller counts every schedule missed since the last run (after a controller outage, a suspended CronJob, a `Forbid` overlap); past 100 missed schedules it stops scheduling the CronJob altogether ("too many missed start times"), and a late backup may start in the middle of business hours. A deadline bounds both: a run that cannot start in time is skipped and counted as missed.',
    remediation: 'Set `spec.startingDeadlineSeconds` (e.g. a few minutes, and less than the schedule interval).',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#job-creation'],
    messages: { missing: 'CronJob has no startingDeadlineSeconds' },
    equivalents: ['kube-score:cronjob-has-deadline'],
  },
  check(r) {
    const v = obj(r.object.spec)?.startingDeadlineSeconds;
    return typeof v === 'number' && v > 0 ? [] : [{ messageId: 'missing', pointer: '/spec/startingDeadlineSeconds' }];
  },
});
