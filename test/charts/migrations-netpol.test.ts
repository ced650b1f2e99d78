/** The migration hook's egress stays least-privilege even when a database peer lists no ports. */
import { describe, expect, it } from 'vitest';
import { componentOf, ofKind, renderChart } from './helpers.ts';

interface Egress {
  to: { podSelector: { matchLabels: Record<string, string> } }[];
  ports?: { port: number; protocol: string }[];
}

async function migrationEgress(set: Record<string, string | number>): Promise<Egress[]> {
  const docs = await renderChart({ valuesFiles: ['values.production.yaml'], set });
  const policy = ofKind(docs, 'NetworkPolicy').find((p) => componentOf(p) === 'migrations');
  expect(policy, 'the migration hook has a NetworkPolicy').toBeDefined();
  return (policy!.spec as { egress: Egress[] }).egress;
}

describe('migration hook NetworkPolicy', () => {
  it('allows only the listed database ports', async () => {
    const egress = await migrationEgress({});
    expect(egress.map((e) => `${e.to[0]!.podSelector.matchLabels['app.kubernetes.io/component']}:${(e.ports ?? []).map((p) => p.port).join('/')}`)).toEqual(['pgbouncer:6432', 'postgresql:5432']);
  });

  it('a database peer without ports gets the port the backend connects to, not every port', async () => {
    const egress = await migrationEgress({ 'backend.networkPolicy.allowTo[0].tier': 'database', 'backend.networkPolicy.allowTo[0].component': 'pgbouncer', 'backend.database.port': 6543 });
    expect(egress).toHaveLength(1);
    expect(egress[0]!.ports).toEqual([{ port: 6543, protocol: 'TCP' }]);
  });
});
