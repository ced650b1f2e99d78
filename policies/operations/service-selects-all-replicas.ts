import { definePolicy } from '../util/define.ts';
import { obj, objs } from '../util/json.ts';
import { appContainersOf, podOf } from '../util/pod.ts';
import { serviceSelector } from '../util/render-index.ts';

/** Databases that replicate primary → replicas, with the port clients write to. */
const REPLICATED: readonly [string, RegExp, number][] = [
  ['PostgreSQL', /(^|\/)(postgres|postgresql|postgis|timescaledb|cloudnative-pg|spilo|patroni)[^/]*(:|@|$)/, 5432],
  ['Redis', /(^|\/)(redis|valkey|keydb)[^/]*(:|@|$)/, 6379],
  ['MySQL', /(^|\/)(mysql|mariadb|percona-server)[^/]*(:|@|$)/, 3306],
  ['MongoDB', /(^|\/)mongo(db)?[^/]*(:|@|$)/, 27017],
];
/** Selector keys that pick one role (primary, leader, master, replica). */
const ROLE_KEY = /(^|\/|\.)(role|replication-role|spilo-role|cnpg\.io\/instanceRole|statefulset\.kubernetes\.io\/pod-name)$/;

export default definePolicy({
  meta: {
    id: 'service-selects-all-replicas',
    title: 'Client Services of replicated databases select one role',
    category: 'operations',
    severity: 'warning',
    scope: 'render',
    kinds: ['Service'],
    description:
      'In a replicated PostgreSQL, Redis (with Sentinel), MySQL or MongoDB StatefulSet only one pod accepts writes. A ClusterIP Service that selects every pod of the StatefulSet on the database port load-balances clients across primary and replicas: writes fail with "read-only" errors or, worse, a client reads stale data after a failover. Flags a non-headless Service whose selector picks every pod of a StatefulSet with two or more replicas running one of these databases, on its data port (5432, 6379, 3306, 27017 or a container port of that number), without a role label in the selector (`role`, `*/role`, `spilo-role`, `cnpg.io/instanceRole`). Scope: headless Services (per-pod DNS) and Services on other ports (Sentinel 26379, metrics) are fine; single-replica StatefulSets are not judged.',
    remediation: 'Select the primary by a role label kept current by the failover manager (Sentinel, Patroni, an operator), or point clients at Sentinel / a proxy (pgbouncer, HAProxy) that follows the primary.',
    references: ['https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/#sentinel-clients-implementation', 'https://www.postgresql.org/docs/current/high-availability.html'],
    messages: { all: 'Service sends {{database}} clients on port {{port}} to every pod of StatefulSet "{{statefulset}}" ({{replicas}} replicas, one primary)' },
  },
  check(r, ctx) {
    const spec = obj(r.object.spec);
    if (!spec || spec.clusterIP === 'None' || spec.type === 'ExternalName') return [];
    const sel = serviceSelector(r.object);
    if (!sel || Object.keys(sel.matchLabels).some((k) => ROLE_KEY.test(k))) return [];
    for (const e of ctx.index.podsOfService(r)) {
      if (e.resource.kind !== 'StatefulSet') continue;
      const n = obj(e.resource.object.spec)?.replicas;
      const sts = typeof n === 'number' ? n : 1;
      if (sts < 2) continue;
      const pod = podOf(e.resource)!;
      for (const c of appContainersOf(pod)) {
        const image = typeof c.container.image === 'string' ? c.container.image : '';
        const db = REPLICATED.find(([, re]) => re.test(image));
        if (!db) continue;
        const ports = objs(c.container.ports);
        const dataPort = ports.find((p) => p.containerPort === db[2]);
        const hit = objs(spec.ports).findIndex((sp) => {
          const target = sp.targetPort ?? sp.port;
          return target === db[2] || (typeof target === 'string' && dataPort?.name === target);
        });
        if (hit >= 0) return [{ messageId: 'all', data: { database: db[0], port: db[2], statefulset: e.resource.name, replicas: sts }, pointer: '/spec/selector' }];
      }
    }
    return [];
  },
});
