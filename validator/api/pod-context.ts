/** What pod-spec validation needs to know about where the spec sits. */
import type { Reporter } from './report.ts';

export interface PodContext {
  rep: Reporter;
  /** The spec is a Pod's (not a template): a few checks apply only then (image whitespace, hostPort defaulting). */
  isPod: boolean;
  /** Kubernetes minor version (32 for 1.32). */
  minor: number;
  /** Names of the pod's volumes that passed validation, with their source key (emptyDir, persistentVolumeClaim…). */
  volumes: Map<string, string>;
  /** terminationGracePeriodSeconds after defaulting (30), for sleep actions. */
  gracePeriod: number | undefined;
}
