/**
 * Policy stage entry point used by the validator pipeline (validator/run.ts).
 * OWNED BY the policies work (issue 7): replace this stub with the real engine; keep the signature.
 */
import type { Finding, K8sResource } from '../validator/types.ts';

export interface PolicyRunOptions {
  /** Target Kubernetes version, e.g. `1.36`. */
  kubeVersion?: string;
  /** Path of a `.nexus-policy.yaml` config, if any. */
  configFile?: string;
  /** Environment of the render (e.g. `production`), when known. */
  environment?: string;
}

export function evaluatePolicies(resources: K8sResource[], options: PolicyRunOptions = {}): Finding[] {
  void resources;
  void options;
  return [];
}
