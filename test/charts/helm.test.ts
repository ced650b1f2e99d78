/**
 * The generated umbrella chart passes `helm lint --strict` and renders with `helm template` on both
 * supported helm versions, for the defaults and for each environment file; Helm 4 also installs it
 * with `--dry-run=client`, offline.
 */
import { describe, expect, it } from 'vitest';
import { UMBRELLA_CHART_DIR, PROJECT_ROOT } from '../../util/paths.ts';
import { join } from 'node:path';
import { BUNDLED_HELM } from '../../validator/helm.ts';
import { CRD_API_VERSIONS, ENV_FILES, helm, parseManifests, renderText, type HelmFlavour } from './helpers.ts';

const FLAVOURS: HelmFlavour[] = ['helm4', 'helm3'];
const VALUE_SETS: { name: string; files: string[] }[] = [{ name: 'defaults', files: [] }, ...ENV_FILES.map((f) => ({ name: f, files: [f] }))];

describe.each(FLAVOURS)('%s', (flavour) => {
  it(`is helm ${BUNDLED_HELM[flavour].version}`, async () => {
    const result = await helm(flavour, ['version', '--short']);
    expect(result.stdout.trim()).toMatch(new RegExp(`^v${BUNDLED_HELM[flavour].version.replaceAll('.', '\\.')}\\+`));
  });

  it.each(VALUE_SETS)('lints --strict with $name', async ({ files }) => {
    const result = await helm(flavour, ['lint', '--strict', UMBRELLA_CHART_DIR, ...files.flatMap((f) => ['--values', join(PROJECT_ROOT, f)])]);
    expect(result.stderr + result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it.each(VALUE_SETS)('renders with $name (with and without the CRD APIs)', async ({ files }) => {
    const plain = parseManifests(await renderText({ helm: flavour, valuesFiles: files }));
    const withCrds = parseManifests(await renderText({ helm: flavour, valuesFiles: files, apiVersions: CRD_API_VERSIONS }));
    expect(plain.length).toBeGreaterThan(10);
    // The CRD-gated objects appear only when their API is served, except in production, which never
    // leaves out what its values ask for (the live prerequisites check reports a missing API instead).
    const crdKinds = (docs: typeof plain) => docs.filter((d) => d.object.kind === 'VerticalPodAutoscaler' || d.object.kind === 'KongPlugin').length;
    expect(crdKinds(withCrds)).toBeGreaterThan(0);
    expect(crdKinds(plain)).toBe(files.includes('values.production.yaml') ? crdKinds(withCrds) : 0);
  });
});

describe('kubeVersion floor', () => {
  it.each(FLAVOURS)('%s renders the production values for Kubernetes 1.27, the oldest the charts declare', async (flavour) => {
    const docs = parseManifests(await renderText({ helm: flavour, valuesFiles: ['values.production.yaml'], kubeVersion: '1.27.0' }));
    expect(docs.some((d) => d.object.kind === 'HorizontalPodAutoscaler' && d.object.apiVersion === 'autoscaling/v2')).toBe(true);
  });

  it('refuses a cluster older than the declared kubeVersion', async () => {
    const result = await helm('helm4', ['template', 'nexus', UMBRELLA_CHART_DIR, '--kube-version', '1.26.0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/kube ?Version|incompatible/i);
  });
});

describe('helm 4 install --dry-run=client', () => {
  it('installs the production values offline', async () => {
    // `helm install` has no --api-versions: the overlay's CloudNativePG objects are forced, as a user installing
    // offline would (without force the render stops at the missing operator API; database-modes.test.ts).
    const result = await helm('helm4', ['install', 'nexus', UMBRELLA_CHART_DIR, '--dry-run=client', '--namespace', 'nexus-platform', '--values', join(PROJECT_ROOT, 'values.production.yaml'), '--set', 'database.cloudnativepg.force=true']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('STATUS: pending-install');
    // NOTES.txt is rendered and tells the user how to reach the app and run the smoke tests.
    expect(result.stdout).toContain('https://nexus.example.com/');
    expect(result.stdout).toContain('helm test nexus -n nexus-platform');
    // Hooks are part of the release: migrations and the smoke tests.
    expect(result.stdout).toMatch(/name: nexus-backend-migrations/);
    expect(result.stdout).toMatch(/helm.sh\/hook: test/);
    // The production database is the operator's Cluster.
    expect(result.stdout).toMatch(/^kind: Cluster$/m);
  });
});
