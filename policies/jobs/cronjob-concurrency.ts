import { definePolicy } from '../util/define.ts';
import { obj, strMap } from '../util/json.ts';

const BACKUP = /backup|dump|snapshot|archive/i;

export default definePolicy({
  meta: {
    id: 'cronjob-concurrency',
    title: 'Backup CronJobs never overlap',
    category: 'jobs',
    severity: 'error',
    scope: 'resource',
    kinds: ['CronJob'],
    description: 'With the default `concurrencyPolicy: Allow`, a slow backup is joined by the next one: two dumps compete for I/O and locks and may overwrite each other. CronJobs that are backups (name or `app.kubernetes.io/component` label mentions backup, dump, snapshot or archive) must use `Forbid` (or `Replace`).',
    remediation: 'Set `spec.concurrencyPolicy: Forbid`.',
    references: ['https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy'],
    messages: { allow: 'backup CronJob allows concurrent runs (concurrencyPolicy {{policy}})' },
  },
  check(r) {
    const labels = strMap(obj(r.object.metadata)?.labels);
    if (!BACKUP.test(r.name) && !BACKUP.test(labels['app.kubernetes.io/component'] ?? '')) return [];
    const policy = obj(r.object.spec)?.concurrencyPolicy;
    return policy === 'Forbid' || policy === 'Replace' ? [] : [{ messageId: 'allow', data: { policy: typeof policy === 'string' ? policy : 'Allow (default)' }, pointer: '/spec/concurrencyPolicy' }];
  },
});
