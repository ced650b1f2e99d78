/** Chart READMEs: prose from Handlebars, values tables from the schema. */
import Handlebars from 'handlebars';
import type { ValueRow } from './values-table.ts';

const README = Handlebars.compile(
  `# {{name}}

{{description}}

{{#if install}}
## Install

\`\`\`bash
helm install {{name}} ./charts/{{name}} -f values.production.yaml
helm test {{name}}
\`\`\`

{{/if}}
{{#if notes}}
{{{notes}}}

{{/if}}
## Values

Every key below is enforced by \`values.schema.json\`: Helm rejects unknown keys and wrong types.
Cross-field rules (for example \`minReplicas <= maxReplicas\`) are enforced by Helm as well, through the
generated \`templates/values-rules.yaml\` guards, and reported with positions by \`nexus validate\`.

| Key | Type | Default | Description |
|-----|------|---------|-------------|
{{#each rows}}
| \`{{{key}}}\` | {{{type}}} | {{{default}}} | {{{description}}} |
{{/each}}
`,
  { noEscape: true },
);

export function renderReadme(input: { name: string; description: string; install: boolean; notes?: string; rows: ValueRow[] }): string {
  return README(input);
}
