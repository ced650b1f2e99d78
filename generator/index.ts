/**
 * generateCharts: the pure core of the generator. From the Zod model and the template sources it
 * returns every file of charts/ (sorted, byte-stable). Only write.ts touches the disk.
 */
import { defaultConfig, prerequisiteTable, ruleChecks } from '../schema/index.ts';
import { libraryValuesSchema, tierValuesSchema, umbrellaValuesSchema } from '../schema/json-schema.ts';
import { libraryChartYaml, tierChartYaml, umbrellaChartYaml, type ChartVersions } from './chart-yaml.ts';
import { tierDashboardFiles } from './dashboards.ts';
import { GENERATED_NOTICE, withHeader } from './header.ts';
import { renderReadme } from './readme.ts';
import { PREREQUISITES_TEMPLATE, prerequisitesTemplate } from './prerequisites-template.ts';
import { RULES_TEMPLATE, rulesTemplate } from './rules-template.ts';
import { LIBRARY_CHART, TIER_CHARTS, UMBRELLA_CHART } from './tiers.ts';
import type { OutputFile, TemplateSources } from './types.ts';
import { valueRows } from './values-table.ts';
import { renderValuesYaml, type SchemaNode } from './values-yaml.ts';

export type { OutputFile, TemplateSources } from './types.ts';

function schemaFile(schema: Record<string, unknown>): string {
  const { $schema, title, ...rest } = schema;
  return `${JSON.stringify({ $schema, $comment: GENERATED_NOTICE, title, ...rest }, null, 2)}\n`;
}

function valuesFile(schema: Record<string, unknown>, defaults: Record<string, unknown>, chart: string): string {
  return renderValuesYaml(schema as SchemaNode, defaults, [
    'yaml-language-server: $schema=values.schema.json',
    '',
    `Default values for the ${chart} chart. Every key is documented and enforced by values.schema.json.`,
  ]);
}

function templatesOf(sources: TemplateSources, sets: string[], chartDir: string): OutputFile[] {
  const merged: Record<string, string> = {};
  for (const set of sets) Object.assign(merged, sources[set] ?? {});
  return Object.entries(merged).map(([path, content]) => ({ path: `${chartDir}/${path}`, content }));
}

/** The chart's generated guard for the model's cross-field rules (none when no rule reads its values). */
function rulesOf(chart: string, chartDir: string): OutputFile[] {
  const content = rulesTemplate(chart, ruleChecks());
  return content ? [{ path: `${chartDir}/${RULES_TEMPLATE}`, content }] : [];
}

export function generateCharts(sources: TemplateSources, versions: ChartVersions): OutputFile[] {
  const defaults = defaultConfig() as unknown as Record<string, Record<string, unknown>>;
  const files: OutputFile[] = [];
  const root = UMBRELLA_CHART;

  // Umbrella chart.
  const umbrellaSchema = umbrellaValuesSchema();
  files.push(
    { path: `${root}/Chart.yaml`, content: umbrellaChartYaml(versions) },
    { path: `${root}/values.yaml`, content: valuesFile(umbrellaSchema, defaults, root) },
    { path: `${root}/values.schema.json`, content: schemaFile(umbrellaSchema) },
    {
      path: `${root}/README.md`,
      content: renderReadme({
        name: root,
        description: 'The NEXUS platform umbrella chart. Each tier is a subchart, switched with `<tier>.enabled`; shared templates come from the `nexus-lib` library chart.',
        install: true,
        rows: valueRows(umbrellaSchema as SchemaNode, defaults),
      }),
    },
    ...templatesOf(sources, ['nexus'], root),
    ...rulesOf(root, root),
    { path: `${root}/${PREREQUISITES_TEMPLATE}`, content: prerequisitesTemplate(prerequisiteTable()) },
  );

  // Library chart (a dependency of the umbrella: Helm shares named templates across the whole tree).
  const lib = `${root}/charts/${LIBRARY_CHART}`;
  const libraryFiles = (dir: string): OutputFile[] => [
    { path: `${dir}/Chart.yaml`, content: libraryChartYaml(versions) },
    { path: `${dir}/values.schema.json`, content: schemaFile(libraryValuesSchema()) },
    ...templatesOf(sources, [LIBRARY_CHART], dir),
  ];
  files.push(
    ...libraryFiles(lib),
    {
      path: `${lib}/README.md`,
      content: renderReadme({
        name: LIBRARY_CHART,
        description: 'Library chart (`type: library`) with the named templates every NEXUS tier uses. It renders nothing by itself.',
        install: false,
        rows: [],
      }),
    },
  );

  // Tier subcharts.
  for (const tier of TIER_CHARTS) {
    const dir = `${root}/charts/${tier.name}`;
    const schema = tierValuesSchema(tier.name);
    // `global` too: under the umbrella its global wins (Helm coalesces the parent's over the subchart's),
    // and installed alone the chart still reads global.environment, global.imageRegistry, ... from here.
    const tierDefaults = { ...defaults[tier.name]!, global: defaults.global };
    files.push(
      { path: `${dir}/Chart.yaml`, content: tierChartYaml(tier, versions) },
      { path: `${dir}/values.yaml`, content: valuesFile(schema, tierDefaults, tier.name) },
      { path: `${dir}/values.schema.json`, content: schemaFile(schema) },
      {
        path: `${dir}/README.md`,
        content: renderReadme({
          name: tier.name,
          description: `${tier.description} A subchart of \`nexus\`, normally installed through the umbrella chart; it also lints and installs alone (\`helm install x charts/nexus/charts/${tier.name}\`), with its own copy of the \`nexus-lib\` library in \`charts/\`.`,
          install: false,
          rows: valueRows(schema as SchemaNode, tierDefaults),
        }),
      },
      ...templatesOf(sources, tier.templateSets, dir),
      ...(tier.name === 'monitoring' ? Object.entries(tierDashboardFiles()).map(([path, content]) => ({ path: `${dir}/${path}`, content })) : []),
      ...rulesOf(tier.name, dir),
      ...libraryFiles(`${dir}/charts/${LIBRARY_CHART}`),
    );
  }

  return files
    .map((f) => ({ path: f.path, content: withHeader(f.path, f.content) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
