import { definePolicy, POD_TEMPLATE_KINDS } from '../util/define.ts';
import { globMatch } from '../config-defaults.ts';
import { isObj, obj } from '../util/json.ts';
import { containersOf, podOf } from '../util/pod.ts';
import type { Violation } from '../types.ts';

export const EXTERNAL_SECRETS_ANNOTATION = 'nexus.dev/external-secrets';
export const EXTERNAL_CONFIGMAPS_ANNOTATION = 'nexus.dev/external-configmaps';

type Kind = 'Secret' | 'ConfigMap';
interface Ref {
  kind: Kind;
  name: string;
  key?: string;
  pointer: string;
  container?: string;
}

/** Records a non-optional reference with a string name (and its key, for `*KeyRef`). */
function addRef(refs: Ref[], kind: Kind, src: unknown, nameField: string, pointer: string, container: string | undefined, keyed: boolean): void {
  const o = obj(src);
  if (!o || o.optional === true || typeof o[nameField] !== 'string') return;
  const ref: Ref = { kind, name: o[nameField], pointer: `${pointer}/${nameField}` };
  if (keyed && typeof o.key === 'string') ref.key = o.key;
  if (container) ref.container = container;
  refs.push(ref);
}

const list = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);

export default definePolicy({
  meta: {
    id: 'references-exist',
    title: 'Referenced Secrets and ConfigMaps exist or are declared external',
    category: 'references',
    severity: 'error',
    scope: 'render',
    kinds: POD_TEMPLATE_KINDS.filter((k) => k !== 'PodTemplate'),
    description:
      'A pod that references a missing Secret or ConfigMap (env `secretKeyRef`/`configMapKeyRef`, `envFrom`, `secret`/`configMap`/`projected` volumes) never starts (`CreateContainerConfigError`). Each non-optional reference must be rendered in the same namespace (and name an existing key), or be declared external: credentials created outside the chart (`existingSecret`, an operator, ExternalSecrets) are declared by the chart with the pod-template annotation `nexus.dev/external-secrets: "name1,name2"` (`nexus.dev/external-configmaps` for ConfigMaps), or by `.nexus-policy.yaml` `settings.externalSecrets` / `externalConfigMaps` (`name`, `namespace/name`, globs). An undeclared missing reference is an error.',
    remediation: 'Render the object, fix the name or key, mark the reference `optional: true`, or declare it external (annotation or config).',
    references: ['https://kubernetes.io/docs/concepts/configuration/secret/', 'https://kubernetes.io/docs/concepts/configuration/configmap/'],
    equivalents: ['kube-linter:env-value-from (keys only)'],
    messages: {
      missing: '{{kind}} "{{name}}" is not in the render (namespace "{{namespace}}") and not declared external',
      key: '{{kind}} "{{name}}" has no key "{{key}}"',
    },
  },
  check(r, ctx) {
    const pod = podOf(r);
    if (!pod) return [];
    const refs: Ref[] = [];
    for (const c of containersOf(pod)) {
      const env = c.container.env;
      if (Array.isArray(env)) {
        for (let i = 0; i < env.length; i++) {
          const vf = obj(obj(env[i])?.valueFrom);
          if (!vf) continue;
          if (vf.secretKeyRef) addRef(refs, 'Secret', vf.secretKeyRef, 'name', `${c.pointer}/env/${i}/valueFrom/secretKeyRef`, c.name, true);
          if (vf.configMapKeyRef) addRef(refs, 'ConfigMap', vf.configMapKeyRef, 'name', `${c.pointer}/env/${i}/valueFrom/configMapKeyRef`, c.name, true);
        }
      }
      const envFrom = c.container.envFrom;
      if (Array.isArray(envFrom)) {
        for (let i = 0; i < envFrom.length; i++) {
          const e = obj(envFrom[i]);
          if (e?.secretRef) addRef(refs, 'Secret', e.secretRef, 'name', `${c.pointer}/envFrom/${i}/secretRef`, c.name, false);
          if (e?.configMapRef) addRef(refs, 'ConfigMap', e.configMapRef, 'name', `${c.pointer}/envFrom/${i}/configMapRef`, c.name, false);
        }
      }
    }
    const volumes = pod.spec.volumes;
    if (Array.isArray(volumes)) {
      for (let i = 0; i < volumes.length; i++) {
        const v = obj(volumes[i]);
        if (!v) continue;
        const base = `${pod.specPointer}/volumes/${i}`;
        if (v.secret) addRef(refs, 'Secret', v.secret, 'secretName', `${base}/secret`, undefined, false);
        if (v.configMap) addRef(refs, 'ConfigMap', v.configMap, 'name', `${base}/configMap`, undefined, false);
        const sources = obj(v.projected)?.sources;
        if (Array.isArray(sources)) {
          for (let j = 0; j < sources.length; j++) {
            const src = obj(sources[j]);
            if (src?.secret) addRef(refs, 'Secret', src.secret, 'name', `${base}/projected/sources/${j}/secret`, undefined, false);
            if (src?.configMap) addRef(refs, 'ConfigMap', src.configMap, 'name', `${base}/projected/sources/${j}/configMap`, undefined, false);
          }
        }
      }
    }
    if (refs.length === 0) return [];
    const ns = ctx.index.namespaceOf(r);
    const own = obj(obj(r.object.metadata)?.annotations);
    const declared = (key: string) => {
      const v = own?.[key];
      return [...list(pod.annotations[key]), ...list(typeof v === 'string' ? v : undefined)];
    };
    let external: Record<Kind, string[]> | undefined;
    const isExternal = (kind: Kind, name: string) => {
      external ??= {
        Secret: [...declared(EXTERNAL_SECRETS_ANNOTATION), ...ctx.settings.externalSecrets],
        ConfigMap: [...declared(EXTERNAL_CONFIGMAPS_ANNOTATION), ...ctx.settings.externalConfigMaps],
      };
      return external[kind].some((p) => globMatch(p, name) || globMatch(p, `${ns}/${name}`));
    };
    const out: Violation[] = [];
    for (const ref of refs) {
      const target = ctx.index.get(ref.kind, ns, ref.name);
      const v = (messageId: string, pointer: string): Violation => {
        const x: Violation = { messageId, data: { kind: ref.kind, name: ref.name, namespace: ns, key: ref.key ?? '' }, pointer };
        if (ref.container) x.container = ref.container;
        return x;
      };
      if (!target) {
        if (!isExternal(ref.kind, ref.name)) out.push(v('missing', ref.pointer));
        continue;
      }
      if (ref.key !== undefined) {
        const fields = ref.kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
        const has = fields.some((f) => isObj(target.object[f]) && Object.prototype.hasOwnProperty.call(target.object[f], ref.key!));
        if (!has) out.push(v('key', ref.pointer.replace(/\/(name|secretName)$/, '/key')));
      }
    }
    return out;
  },
});
