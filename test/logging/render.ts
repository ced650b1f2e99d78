/**
 * Renders the umbrella chart with the logging tier on (real helm) and reads the logging objects and
 * their embedded configs (Loki's config.yaml, the Fluent Bit pipelines) as a cluster gets them.
 */
import jsyaml from 'js-yaml';
import { renderChart, type HelmFlavour, type K8sObject, type RenderedDoc } from '../charts/helpers.ts';

export const NS = 'nexus-platform';
export const AGENT_NS = `${NS}-logs`;
export const names = {
  loki: 'nexus-logging-loki',
  agent: 'nexus-logging-fluent-bit',
  otlp: 'nexus-logging-otlp-gateway',
  grafana: 'nexus-monitoring-grafana',
  dashboards: 'nexus-monitoring-grafana-dashboards',
  rules: 'nexus-monitoring-prometheus-rules',
};

export const LOGGING_ON = { 'logging.enabled': true };
export const LOGGING_ALL = { 'logging.enabled': true, 'logging.otlp.enabled': true };

export function renderLogging(set: Record<string, string | number | boolean> = LOGGING_ALL, options: { valuesFiles?: string[]; helm?: HelmFlavour } = {}): Promise<RenderedDoc[]> {
  return renderChart({ namespace: NS, set, ...options });
}

export function find(docs: RenderedDoc[], kind: string, name: string, namespace = NS): K8sObject {
  const found = docs.find((d) => d.object.kind === kind && d.object.metadata.name === name && (d.object.metadata.namespace ?? NS) === namespace);
  if (!found) throw new Error(`no ${kind} ${namespace}/${name} in the render (have: ${docs.map((d) => `${d.object.kind}/${d.object.metadata.namespace}/${d.object.metadata.name}`).join(', ')})`);
  return found.object;
}

export function dataOf(docs: RenderedDoc[], name: string, namespace = NS): Record<string, string> {
  return (find(docs, 'ConfigMap', name, namespace) as unknown as { data: Record<string, string> }).data;
}

export function yamlOf<T = Record<string, unknown>>(text: string): T {
  return jsyaml.load(text) as T;
}

/** The objects the logging subchart rendered. */
export function loggingObjects(docs: RenderedDoc[]): K8sObject[] {
  return docs.filter((d) => d.source.startsWith('nexus/charts/logging/')).map((d) => d.object);
}
