/**
 * Each cross-field rule, broken on its own, makes real Helm (4.1 and 3.17) refuse the values with the
 * rule's id, path and message — the same lines `nexus validate` reports. The breaking config of each
 * rule is found by a seeded search over the values that rule reads (rule-cases.ts), never hand-written,
 * so a new rule is covered the day it is added.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathsOf } from '../../schema/expr.ts';
import { CROSS_FIELD_RULES, ruleChecks } from '../../schema/index.ts';
import { PROJECT_ROOT, UMBRELLA_CHART_DIR } from '../../util/paths.ts';
import { BUNDLED_DATABASE_SET } from '../helpers/database-mode.ts';
import { helm, HELM_FLAVOURS } from '../helpers/helm.ts';
import { bases, candidatesFor, clone, CRD_API_VERSIONS, helmVerdict, parseGuardFailure, prng, setAt, zodLines, type Json } from './rule-cases.ts';

/** A config that breaks `rule` and no other rule (from either base), or throws. */
function witness(rule: string): { config: Json; chart: string; lines: string[] } {
  const checks = ruleChecks().filter((c) => c.rule === rule);
  const paths = [...new Map(checks.flatMap((c) => [c.path, ...pathsOf(c.when), ...pathsOf(c.message)]).map((p) => [p.join('.'), p])).values()].filter((p) => candidatesFor(p).length > 1);
  const random = prng(rule.length * 7919);
  const starts = bases();
  for (let attempt = 0; attempt < 20_000; attempt++) {
    const base = starts[attempt % starts.length]!;
    const config = clone(base.config);
    const n = 1 + Math.floor(random() * Math.min(4, paths.length));
    for (let i = 0; i < n; i++) {
      const path = paths[Math.floor(random() * paths.length)]!;
      const options = candidatesFor(path);
      setAt(config, path, options[Math.floor(random() * options.length)]!);
    }
    const { valid, byChart } = zodLines(config);
    const lines = [...byChart.values()].flat();
    if (valid && byChart.size === 1 && lines.length && lines.every((l) => l.startsWith(`[${rule}] `))) {
      const [chart] = byChart.keys();
      return { config, chart: chart!, lines };
    }
  }
  throw new Error(`no config breaks only ${rule}: its values cannot be varied independently (check rule-cases.ts candidates)`);
}

const WITNESSES = CROSS_FIELD_RULES.map((r) => ({ rule: r.id, ...witness(r.id) }));

describe.each(HELM_FLAVOURS)('%s refuses values that break a rule, with the rule\'s own message', (flavour) => {
  it.each(WITNESSES)('$rule (guard in the $chart chart)', async ({ config, chart, lines }) => {
    const verdict = await helmVerdict(flavour, config);
    expect(verdict.code, verdict.stderr).not.toBe(0);
    expect(verdict.chart).toBe(chart);
    expect(verdict.lines).toEqual(lines);
  }, 300_000);
});

describe('helm 4 install --dry-run=client runs the same guards', () => {
  it.each(WITNESSES.filter((w, i) => i % 4 === 0))('$rule', async ({ config, lines }) => {
    // `helm install` has no --api-versions: a CloudNativePG database (the production overlay's) is forced,
    // or the render stops at the missing operator API before the guard's verdict (the force is no rule input).
    const forced = clone(config);
    setAt(forced, ['database', 'cloudnativepg', 'force'], true);
    const verdict = await helmVerdict('helm4', forced, ['install', '--dry-run=client']);
    expect(verdict.code, verdict.stderr).not.toBe(0);
    expect(verdict.lines).toEqual(lines);
  });
});

/**
 * The cases the issue saw Helm accept: the production overlay plus one `--set` each (int64 values, too). The
 * database TLS cases are about the chart's own PostgreSQL (bundled mode); the operator always serves TLS.
 */
const PRODUCTION_SETS: { set: string; line: string; bundled?: true }[] = [
  { set: 'database.auth.password=hunter2', line: '[production-no-inline-secrets] database.auth.password: inline passwords are forbidden in production; put it in a Secret and set database.auth.existingSecret' },
  { set: 'frontend.image.tag=latest', line: '[production-pinned-images] frontend.image.tag: production images must be pinned: tag `latest` is not; use a version tag or a digest' },
  { set: 'global.domain=', line: '[production-domain] global.domain: production needs global.domain (or gateway.host)' },
  { bundled: true, set: 'database.tls.existingSecret=', line: '[tls-secret] database.tls.existingSecret: database TLS is on: set database.tls.existingSecret, or database.tls.certManager.enabled=true with an issuer' },
  { set: 'cache.tls.existingSecret=', line: '[tls-secret] cache.tls.existingSecret: cache TLS is on: set cache.tls.existingSecret, or cache.tls.certManager.enabled=true with an issuer' },
  { bundled: true, set: 'database.tls.enabled=false', line: '[production-tls] database.tls.enabled: production needs TLS to the database: set database.tls.enabled=true (with database.tls.existingSecret or database.tls.certManager)' },
  { set: 'backend.database.sslMode=require', line: '[production-tls] backend.database.sslMode: production needs the backend to verify the database: set backend.database.sslMode=verify-full (it is `require`)' },
  { set: 'gateway.tls.existingSecret=', line: '[production-gateway-tls] gateway.tls.existingSecret: TLS is on but nothing provides the certificate: set gateway.tls.existingSecret to a kubernetes.io/tls Secret, or gateway.tls.certManager.enabled=true' },
  { set: 'cache.sentinel.quorum=5', line: '[sentinel-quorum] cache.sentinel.quorum: quorum (5) exceeds the number of nodes (3); failover could never happen' },
  { set: 'backend.diagnosticMode.enabled=true', line: '[production-no-diagnostic-mode] backend.diagnosticMode.enabled: diagnostic mode replaces the backend containers\' process with `sleep infinity` and turns their probes off, so nothing serves: set backend.diagnosticMode.enabled=false in production (debug a copy in another environment, or with `kubectl debug`)' },
  { set: 'database.diagnosticMode.enabled=true', line: '[production-no-diagnostic-mode] database.diagnosticMode.enabled: diagnostic mode replaces the database containers\' process with `sleep infinity` and turns their probes off, so nothing serves: set database.diagnosticMode.enabled=false in production (debug a copy in another environment, or with `kubectl debug`)' },
  { set: 'frontend.vpa.updateMode=Auto', line: '[hpa-vpa-conflict] frontend.vpa.updateMode: VPA updateMode `Auto` fights the HPA on cpu and memory; use `Off` or `Initial`, or drop cpu/memory from vpa.controlledResources' },
];

describe.each(HELM_FLAVOURS)('%s template -f values.production.yaml --set … refuses what the model refuses', (flavour) => {
  it.each(PRODUCTION_SETS)('--set $set', async ({ set, line, bundled }) => {
    const sets = [...(bundled ? BUNDLED_DATABASE_SET : []), set].flatMap((s) => ['--set', s]);
    const r = await helm(flavour, ['template', 'nexus', UMBRELLA_CHART_DIR, '-n', 'nexus-platform', '-f', join(PROJECT_ROOT, 'values.production.yaml'), ...sets, ...CRD_API_VERSIONS.flatMap((a) => ['--api-versions', a])]);
    expect(r.code).not.toBe(0);
    expect(parseGuardFailure(r.stderr).lines).toEqual([line]);
  });
});
