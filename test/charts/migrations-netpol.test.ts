/**
 * The migration hook: least-privilege egress, and a direct PostgreSQL connection with the database credentials only.
 * The chart's own PostgreSQL and PgBouncer (bundled mode, in the production shape); the same wiring to the
 * CloudNativePG primary is asserted in database-modes.test.ts, to an external database in database-external.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATABASE } from '../helpers/database-mode.ts';
import { componentOf, ofKind, renderChart } from './helpers.ts';

interface Egress {
  to: { podSelector: { matchLabels: Record<string, string> } }[];
  ports?: { port: number; protocol: string }[];
}

async function migrationEgress(set: Record<string, string | number>): Promise<Egress[]> {
  const docs = await renderChart({ valuesFiles: ['values.production.yaml'], set: { ...BUNDLED_DATABASE, ...set } });
  const policy = ofKind(docs, 'NetworkPolicy').find((p) => componentOf(p) === 'migrations');
  expect(policy, 'the migration hook has a NetworkPolicy').toBeDefined();
  return (policy!.spec as { egress: Egress[] }).egress;
}

describe('migration hook NetworkPolicy', () => {
  it('allows only PostgreSQL, on its listed port (the migrations bypass PgBouncer)', async () => {
    const egress = await migrationEgress({});
    expect(egress.map((e) => `${e.to[0]!.podSelector.matchLabels['app.kubernetes.io/component']}:${(e.ports ?? []).map((p) => p.port).join('/')}`)).toEqual(['postgresql:5432']);
  });

  it('a database peer without ports gets the port the migrations connect to, not every port', async () => {
    const egress = await migrationEgress({ 'backend.networkPolicy.allowTo[0].tier': 'database', 'backend.networkPolicy.allowTo[0].component': 'postgresql', 'backend.migrations.database.port': 6543 });
    expect(egress).toHaveLength(1);
    expect(egress[0]!.ports).toEqual([{ port: 6543, protocol: 'TCP' }]);
  });
});

describe('migration Job connection', () => {
  const migrationEnv = async (set: Record<string, string | number> = {}) => {
    const docs = await renderChart({ valuesFiles: ['values.production.yaml'], set: { ...BUNDLED_DATABASE, ...set } });
    const job = docs.map((d) => d.object).find((o) => o.kind === 'Job' && componentOf(o) === 'migrations')!;
    const env = (job.spec as any).template.spec.containers[0].env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
    return { docs, env: Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom!.secretKeyRef])) };
  };

  it('reaches PostgreSQL itself, not PgBouncer (transaction pooling breaks advisory locks and SET), with the database credentials only', async () => {
    const { docs, env } = await migrationEnv();
    const service = docs.map((d) => d.object).find((o) => o.kind === 'Service' && o.metadata.name === env.DATABASE_HOST)!;
    expect(service, `Service ${env.DATABASE_HOST}`).toBeDefined();
    expect((service.spec as any).selector['app.kubernetes.io/component']).toBe('postgresql');
    expect((service.spec as any).ports.map((p: { port: number }) => String(p.port))).toContain(env.DATABASE_PORT);
    expect(Object.keys(env).filter((k) => k.startsWith('REDIS_'))).toEqual([]);
    expect(env.DATABASE_PASSWORD).toEqual({ name: 'nexus-db-credentials', key: 'password' });
    // PgBouncer no longer admits the migrations; PostgreSQL does.
    const ingressComponents = (component: string) =>
      JSON.stringify((ofKind(docs, 'NetworkPolicy').find((p) => componentOf(p) === component)!.spec as { ingress: unknown[] }).ingress);
    expect(ingressComponents('pgbouncer')).not.toContain('"migrations"');
    expect(ingressComponents('postgresql')).toContain('"migrations"');
  });

  it('takes its own host, port, user and Secret (e.g. a schema-owner role)', async () => {
    const { env, docs } = await migrationEnv({ 'backend.migrations.database.host': 'pg.internal', 'backend.migrations.database.port': 5433, 'backend.migrations.database.user': 'nexus_owner', 'backend.migrations.database.existingSecret': 'owner-creds', 'backend.migrations.database.passwordKey': 'pw' });
    expect([env.DATABASE_HOST, env.DATABASE_PORT, env.DATABASE_USER]).toEqual(['pg.internal', '5433', 'nexus_owner']);
    expect(env.DATABASE_PASSWORD).toEqual({ name: 'owner-creds', key: 'pw' });
    const job = docs.map((d) => d.object).find((o) => o.kind === 'Job' && componentOf(o) === 'migrations')!;
    // With the overlay's verify-full the Job also reads the database CA Secret.
    expect((job.spec as any).template.metadata.annotations['nexus.dev/external-secrets']).toBe('nexus-db-tls,owner-creds');
  });
});
