/** Real helm for tests: the bundled binaries, with state isolated in a temp dir. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLED_HELM, isolatedHelmEnv, runHelm, type HelmFlavour, type HelmResult } from '../../validator/helm.ts';

export const HELM_FLAVOURS: HelmFlavour[] = ['helm4', 'helm3'];

let env: NodeJS.ProcessEnv | undefined;

/** Runs a bundled helm; fails loudly (with the fix) when it was not installed. */
export function helm(flavour: HelmFlavour, args: string[]): Promise<HelmResult> {
  const bin = BUNDLED_HELM[flavour].path;
  if (!existsSync(bin)) throw new Error(`${flavour} is missing at ${bin}: run \`npm ci\` (postinstall extracts it)`);
  env ??= isolatedHelmEnv(mkdtempSync(join(tmpdir(), 'nexus-helm-test-')));
  return runHelm({ bin, env }, args);
}
