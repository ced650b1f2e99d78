import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root (where package.json lives). When running from the CLI bundle
 * (.cache/cli/nexus.mjs) the bin passes it in, since import.meta.url then points into .cache.
 */
export const PROJECT_ROOT = process.env.NEXUS_BUNDLED_ROOT ?? resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const CHARTS_DIR = resolve(PROJECT_ROOT, 'charts');
export const UMBRELLA_CHART_DIR = resolve(CHARTS_DIR, 'nexus');
export const ENVIRONMENT_VALUES = ['values.staging.yaml', 'values.production.yaml'] as const;
