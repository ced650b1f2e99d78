/**
 * The README's "Installing on a cluster" section, generated from the model and the environment overlays
 * (so the commands, the namespace labels and the prerequisites cannot drift from what the chart does).
 * Pure: takes the parsed overlays, returns markdown; `nexus generate` splices it between the markers.
 */
import { prerequisites, type PlatformConfig } from '../schema/index.ts';
import type { Prerequisite } from '../schema/prerequisites.ts';

export interface Installation {
  title: string;
  valuesFile: string;
  namespace: string;
  release: string;
  config: PlatformConfig;
}

/** Where each overlay is installed (the README's commands; the release name is the chart's). */
export const INSTALLATIONS: Omit<Installation, 'config'>[] = [
  { title: 'Production', valuesFile: 'values.production.yaml', namespace: 'nexus-platform', release: 'nexus' },
  { title: 'Staging', valuesFile: 'values.staging.yaml', namespace: 'nexus-staging', release: 'nexus' },
];

export const BEGIN_MARKER = '<!-- BEGIN GENERATED: install (npm run generate renders it from the model and the overlays; do not edit) -->';
export const END_MARKER = '<!-- END GENERATED: install -->';

/** The Namespace manifest the README applies: the release namespace with the model's Pod Security labels. */
export function namespaceManifest(namespace: string, config: PlatformConfig): string {
  const pss = config.namespace.podSecurity;
  const labels: [string, string][] = [
    ['enforce', pss.enforce],
    ['enforce-version', pss.enforceVersion],
    ['audit', pss.audit],
    ['audit-version', pss.auditVersion],
    ['warn', pss.warn],
    ['warn-version', pss.warnVersion],
  ];
  return ['apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${namespace}`, '  labels:', ...labels.map(([k, v]) => `    pod-security.kubernetes.io/${k}: ${v}`)].join('\n');
}

export function installCommands(i: Installation): string {
  return [
    "kubectl apply -f - <<'EOF'",
    namespaceManifest(i.namespace, i.config),
    'EOF',
    `helm install ${i.release} ./charts/nexus -n ${i.namespace} -f ${i.valuesFile}`,
    `# once every pod is ready (kubectl -n ${i.namespace} get pods):`,
    `helm test ${i.release} -n ${i.namespace}`,
  ].join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function prerequisiteTable(list: readonly Prerequisite[]): string {
  const rows = list.map((p) => `| ${p.kind} | \`${cell(p.name)}\` | ${p.keys.map((k) => `\`${cell(k)}\``).join(', ')}${p.type ? ` (type \`${p.type}\`)` : ''} | ${cell(p.for.join('; '))} |`);
  return ['| Kind | Name | Keys | Needed for |', '|------|------|------|------------|', ...rows].join('\n');
}

/** Storage per overlay: what an upgrade from one to the other would change (immutable on a live release). */
function storageRows(installs: readonly Installation[]): string {
  const row = (what: string, pick: (c: PlatformConfig) => { size: string | number; cls: string; on: boolean }) =>
    `| ${what} | ${installs
      .map((i) => {
        const s = pick(i.config);
        return s.on ? `${s.size} on \`${s.cls || i.config.global.storageClass || '(cluster default)'}\`` : 'none';
      })
      .join(' | ')} |`;
  return [
    `| Volume | ${installs.map((i) => i.title).join(' | ')} |`,
    `|--------|${installs.map(() => '------').join('|')}|`,
    row('PostgreSQL data (volumeClaimTemplate)', (c) => ({ size: c.database.storage.size, cls: c.database.storage.storageClass, on: c.database.enabled })),
    row('Redis data, per node (volumeClaimTemplate)', (c) => ({ size: c.cache.persistence.size, cls: c.cache.persistence.storageClass, on: c.cache.enabled && c.cache.persistence.enabled })),
    row('Prometheus data (volumeClaimTemplate)', (c) => ({ size: c.monitoring.prometheus.storage.size, cls: c.monitoring.prometheus.storage.storageClass, on: c.monitoring.enabled && c.monitoring.mode === 'bundled' })),
    row('AlertManager data (volumeClaimTemplate)', (c) => ({ size: c.monitoring.alertmanager.storage.size, cls: c.monitoring.alertmanager.storage.storageClass, on: c.monitoring.enabled && c.monitoring.mode === 'bundled' && c.monitoring.alertmanager.enabled })),
    row('Backups (PVC, kept on uninstall)', (c) => ({ size: c.database.backup.storage.size, cls: c.database.backup.storage.storageClass, on: c.database.enabled && c.database.backup.enabled })),
  ].join('\n');
}

export function installSection(installs: readonly Installation[], applicationImages: readonly string[][]): string {
  const images = applicationImages.map((p) => `\`${p.join('.')}\``).join(' and ');
  const parts = [
    BEGIN_MARKER,
    '',
    'Helm neither creates the namespace with Pod Security labels nor should own it: `helm uninstall` of a release',
    'that owns its namespace deletes the namespace and every volume in it. So the namespace comes first, with the',
    'labels the model enforces (`namespace.podSecurity`), then the prerequisites below, then `helm install`. The',
    'commands work as they are on Helm 3.17 and 4.1.',
    '',
    `The NEXUS application images (${images}) are yours: build them and push them to your registry. Each overlay`,
    'names it on a line marked `EDIT` (`registry.example.com`, like the other example.com names there): put yours',
    'there. The chart\'s own default is `registry.invalid`, a name that never resolves, and production refuses to',
    'render until a registry is named.',
  ];
  for (const i of installs) {
    parts.push(
      '',
      `### ${i.title} (\`${i.valuesFile}\`, namespace \`${i.namespace}\`)`,
      '',
      '```bash',
      installCommands(i),
      '```',
      '',
      `Prerequisites (Secrets in \`${i.namespace}\`; the rest is cluster-wide). The chart checks what it can against the`,
      'live cluster before it changes anything, and lists them after every install (NOTES.txt):',
      '',
      prerequisiteTable(prerequisites(i.config)),
    );
  }
  parts.push(
    '',
    `Upgrades repeat the install command with \`helm upgrade\` (or \`helm upgrade --reuse-values\`). Storage is fixed at`,
    'install: a StatefulSet\'s volumeClaimTemplates and a PVC\'s class are immutable, and staging and production',
    'differ in storage, so moving a release from one overlay to the other is refused before anything changes (the',
    'message names the field). Grow a volume with the PVC expansion procedure in the database chart\'s',
    '`OPERATIONS.md`, or install a new release and restore a backup into it.',
    '',
    storageRows(installs),
    '',
    END_MARKER,
  );
  return parts.join('\n');
}

/** README text with the generated section replaced (the markers must be present exactly once). */
export function spliceInstallSection(readme: string, section: string): string {
  const begin = readme.indexOf(BEGIN_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (begin < 0 || end < begin || readme.indexOf(BEGIN_MARKER, begin + 1) >= 0) {
    throw new Error(`README.md must contain the generated install section markers once:\n  ${BEGIN_MARKER}\n  ${END_MARKER}`);
  }
  return readme.slice(0, begin) + section + readme.slice(end + END_MARKER.length);
}
