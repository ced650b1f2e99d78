/**
 * The conformance suites, in the order `nexus conformance` runs and prints them. A suite is a module
 * under validator/conformance/ exporting a ConformanceSuite; add it here (one line) to register it.
 */
import { apiserverSuite } from './apiserver.ts';
import { apiserverUpdatesSuite } from './apiserver-updates.ts';
import { podSecuritySuite } from './pod-security.ts';
import type { ConformanceSuite } from './types.ts';

export const SUITES: readonly ConformanceSuite[] = [podSecuritySuite, apiserverSuite, apiserverUpdatesSuite];
