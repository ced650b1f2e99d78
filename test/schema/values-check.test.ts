/** The values stage of `nexus validate`: Zod model + refinements, reported with positions and fixes. */
import { describe, expect, it } from 'vitest';
import { defaultConfig, PlatformConfig } from '../../schema/index.ts';
import { checkValues } from '../../validator/values-check.ts';
import { parseLocatedYaml } from '../../validator/yaml-source.ts';

const check = (yaml: string) => checkValues(parseLocatedYaml('v.yaml', yaml));

describe('values check', () => {
  it('an unknown key: its position, path and a did-you-mean', () => {
    const [f, ...rest] = check('frontend:\n  autoscaling:\n    enabled: true\n    maxReplica: 12\n');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ policyId: 'values/unknown-key', file: 'v.yaml', line: 4, column: 5, jsonPointer: 'frontend.autoscaling.maxReplica', severity: 'error' });
    expect(f!.message).toContain('did you mean `maxReplicas`?');
  });

  it('an unknown key with no close match lists the allowed keys', () => {
    const [f] = check('cache:\n  zzzzzz: 1\n');
    expect(f!.message).not.toContain('did you mean');
    expect(f!.hint).toMatch(/allowed keys here: .*sentinel/);
  });

  it('a top-level typo suggests the section', () => {
    const [f] = check('fronted:\n  replicaCount: 2\n');
    expect(f).toMatchObject({ line: 1, column: 1, jsonPointer: 'fronted' });
    expect(f!.message).toContain('did you mean `frontend`?');
  });

  it('a wrong type names what it got', () => {
    const [f] = check('backend:\n  autoscaling:\n    maxReplicas: "ten"\n');
    expect(f).toMatchObject({ policyId: 'values/invalid', line: 3, column: 18, jsonPointer: 'backend.autoscaling.maxReplicas' });
    expect(f!.message).toBe('backend.autoscaling.maxReplicas must be number, but is string "ten"');
  });

  it('an unquoted numeric image tag says to quote it', () => {
    const [f] = check('frontend:\n  image:\n    tag: 2.0\n');
    expect(f!.message).toContain('quote it: tag: "2"');
  });

  it('an enum typo suggests the closest value', () => {
    const [f] = check('database:\n  pgbouncer:\n    poolMode: transction\n');
    expect(f!.message).toContain('"transaction"');
    expect(f!.hint).toBe('did you mean `transaction`?');
  });

  it('out-of-range numbers are rejected', () => {
    const [f] = check('frontend:\n  containerPort: 70000\n');
    expect(f).toMatchObject({ jsonPointer: 'frontend.containerPort', line: 2, column: 18 });
  });

  it('minReplicas > maxReplicas is a rule finding at minReplicas', () => {
    const [f] = check('frontend:\n  autoscaling:\n    minReplicas: 9\n    maxReplicas: 4\n');
    expect(f).toMatchObject({ policyId: 'values/rule/autoscaling-bounds', line: 3, column: 18, jsonPointer: 'frontend.autoscaling.minReplicas' });
    expect(f!.message).toBe('minReplicas (9) must be <= maxReplicas (4)');
  });

  it('a VPA that evicts while the HPA scales on CPU/memory is rejected', () => {
    const [f] = check('backend:\n  vpa:\n    updateMode: Auto\n');
    expect(f).toMatchObject({ policyId: 'values/rule/hpa-vpa-conflict', jsonPointer: 'backend.vpa.updateMode' });
  });

  it('production forbids inline passwords and unpinned tags', () => {
    const findings = check(
      [
        'global: { environment: production, domain: nexus.example.com }',
        'frontend: { image: { tag: latest, registry: ghcr.io/acme } }',
        'database: { auth: { existingSecret: db, password: hunter2 }, backup: { encryption: { enabled: true, existingSecret: k }, objectStorage: { enabled: true, bucket: b, existingSecret: s } }, tls: { enabled: true, existingSecret: dbtls } }',
        'cache: { auth: { existingSecret: r }, tls: { enabled: true, existingSecret: rtls } }',
        'monitoring: { grafana: { admin: { existingSecret: g } } }',
        'backend: { image: { registry: ghcr.io/acme }, database: { existingSecret: db, sslMode: verify-full, caSecret: dbtls }, redis: { existingSecret: r, tls: { enabled: true, caSecret: rtls } } }',
        'gateway: { tls: { existingSecret: t }, rateLimiting: { redis: { existingSecret: r, ssl: true } } }',
      ].join('\n'),
    );
    expect(findings.map((f) => `${f.policyId} ${f.jsonPointer}`).sort()).toEqual([
      'values/rule/production-no-inline-secrets database.auth.password',
      'values/rule/production-pinned-images frontend.image.tag',
    ]);
    expect(findings.find((f) => f.jsonPointer === 'frontend.image.tag')).toMatchObject({ line: 2, column: 27 });
  });

  it('the same values pass outside production', () => {
    expect(check('frontend: { image: { tag: latest } }\ndatabase: { auth: { password: dev } }\n')).toEqual([]);
  });

  it('the defaults satisfy every rule', () => {
    expect(PlatformConfig.safeParse(defaultConfig()).success).toBe(true);
  });
});

describe('documentation of the cross-field rules', () => {
  it('the README lists every cross-field rule', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { CROSS_FIELD_RULES } = await import('../../schema/index.ts');
    const { PROJECT_ROOT } = await import('../../util/paths.ts');
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const rule of CROSS_FIELD_RULES) expect(readme, rule.id).toContain(`- \`${rule.id}\`: `);
  });
});
