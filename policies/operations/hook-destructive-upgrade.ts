import { definePolicy } from '../util/define.ts';
import { obj, str } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import { commandText, helmHooks } from './util.ts';

/** Commands that replace or erase data: a restore, a clean restore, SQL drops and truncates, Redis flushes. */
const DESTRUCTIVE: readonly [string, RegExp][] = [
  ['pg_restore --clean', /\bpg_restore\b[^\n;|&]*\s(--clean|-c)\b/],
  ['a restore', /\b(pg_restore|mongorestore|redis-cli\b[^\n;|&]*--rdb|restic\s+restore|velero\s+restore\s+create|mysql\b[^\n;|&]*<)/i],
  ['DROP', /\bDROP\s+(DATABASE|SCHEMA|TABLE|OWNED)\b/i],
  ['TRUNCATE', /\bTRUNCATE\s+(TABLE\s+)?\w/i],
  ['FLUSHALL/FLUSHDB', /\bFLUSH(ALL|DB)\b/i],
  ['dropdb', /\bdropdb\b/],
];
const UPGRADE_HOOKS = new Set(['pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback']);
const RESTORE_COMPONENT = /(^|[-_.])restore($|[-_.])/i;

export default definePolicy({
  meta: {
    id: 'hook-destructive-upgrade',
    title: 'No data-destroying Helm hooks on upgrade',
    category: 'operations',
    severity: 'error',
    scope: 'resource',
    kinds: ['Job', 'Pod'],
    description:
      'A Helm hook runs on every release event it names. A restore Job hooked to `pre-upgrade` or `post-upgrade` (or rollback) therefore overwrites production data with the last backup on every `helm upgrade`, typically months after the one-off restore it was written for; the same holds for hooks that drop, truncate or flush. Flags hook Jobs and Pods on an upgrade or rollback event whose component is a restore (`app.kubernetes.io/component`, `component` or the name) or whose containers run `pg_restore` (`--clean` above all), `mongorestore`, `DROP DATABASE|SCHEMA|TABLE`, `TRUNCATE`, `FLUSHALL`/`FLUSHDB` or `dropdb`. Install-only hooks (`post-install`) and manual Jobs are not judged: they run once, on purpose.',
    remediation: 'Run restores as a one-off Job (or a `post-install` hook behind an explicit value), never on upgrade; make migrations additive.',
    references: ['https://helm.sh/docs/topics/charts_hooks/#the-available-hooks'],
    messages: { destructive: 'Helm hook on {{events}} {{what}}: it runs again on every upgrade' },
  },
  check(r) {
    const events = helmHooks(r).filter((h) => UPGRADE_HOOKS.has(h));
    const pod = podOf(r);
    if (events.length === 0 || !pod) return [];
    const labels = { ...pod.labels, ...(obj(obj(r.object.metadata)?.labels) ?? {}) } as Record<string, unknown>;
    const component = str(labels['app.kubernetes.io/component']) ?? str(labels.component);
    const data = (what: string) => ({ events: events.join(','), what });
    if ((component && RESTORE_COMPONENT.test(component)) || RESTORE_COMPONENT.test(r.name)) return [{ messageId: 'destructive', data: data('is a restore'), pointer: '/metadata/annotations/helm.sh~1hook' }];
    for (const c of containersOf(pod)) {
      const text = commandText(c.container);
      for (const [what, re] of DESTRUCTIVE) if (re.test(text)) return [{ messageId: 'destructive', data: data(`runs ${what} in container "${c.name}"`), pointer: `${c.pointer}/${c.container.args !== undefined ? 'args' : 'command'}`, container: c.name }];
    }
    return [];
  },
});
