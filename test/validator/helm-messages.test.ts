/** Parsing helm's lint and error output, multi-line messages included. */
import { describe, expect, it } from 'vitest';
import { parseHelmError, parseLintOutput } from '../../validator/helm-messages.ts';

describe('helm lint output', () => {
  it('keeps continuation lines with their message and extracts template positions', () => {
    const out = [
      '==> Linting charts/nexus',
      '[INFO] Chart.yaml: icon is recommended',
      '[ERROR] templates/: template: nexus/charts/frontend/templates/deployment.yaml:12:14: executing "nexus/charts/frontend/templates/deployment.yaml" at <.Values.x.y>:',
      '\tnil pointer evaluating interface {}.y',
      '[WARNING] values.yaml: - frontend.replicas: Invalid type. Expected: integer, given: string',
      '- backend: Additional property foo is not allowed',
      '',
      'Error: 1 chart(s) linted, 1 chart(s) failed',
    ].join('\n');
    expect(parseLintOutput(out)).toEqual([
      { level: 'info', message: 'icon is recommended', file: 'Chart.yaml' },
      {
        level: 'error',
        message: 'template: nexus/charts/frontend/templates/deployment.yaml:12:14: executing "nexus/charts/frontend/templates/deployment.yaml" at <.Values.x.y>:\nnil pointer evaluating interface {}.y',
        file: 'nexus/charts/frontend/templates/deployment.yaml',
        line: 12,
        column: 14,
      },
      { level: 'warning', message: '- frontend.replicas: Invalid type. Expected: integer, given: string\n- backend: Additional property foo is not allowed', file: 'values.yaml' },
    ]);
  });
});

describe('helm template errors', () => {
  it('splits schema errors into one message per problem', () => {
    const err = "Error: values don't meet the specifications of the schema(s) in the following chart(s):\nfrontend:\n- replicas: Invalid type. Expected: integer, given: string\n- image: tag is required\n";
    expect(parseHelmError(err).map((m) => m.message)).toEqual([
      'values do not match the schema of chart frontend: replicas: Invalid type. Expected: integer, given: string',
      'values do not match the schema of chart frontend: image: tag is required',
    ]);
  });
  it('still splits schema errors when helm 4 logs slog lines before them', () => {
    // As helm 4.1.4 prints it for `frontend.image: 5` (a scalar over a chart's default mapping).
    const err = 'level=INFO msg="warning: cannot overwrite table with non table for nexus.frontend.image (map[tag:1.0.0])"\nError: values don\'t meet the specifications of the schema(s) in the following chart(s):\nnexus:\n- at \'/frontend/image\': got number, want object\n';
    expect(parseHelmError(err).map((m) => m.message)).toEqual(["values do not match the schema of chart nexus: at '/frontend/image': got number, want object"]);
  });
  it('locates execution errors', () => {
    expect(parseHelmError('Error: execution error at (nexus/charts/backend/templates/secret.yaml:7:5): set auth.existingSecret in production\n')).toEqual([
      { level: 'error', message: 'execution error at (nexus/charts/backend/templates/secret.yaml:7:5): set auth.existingSecret in production', file: 'nexus/charts/backend/templates/secret.yaml', line: 7, column: 5 },
    ]);
  });
});
