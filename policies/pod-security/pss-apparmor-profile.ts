import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj, ptr } from '../util/json.ts';
import { containersOf } from '../util/pod.ts';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const allowedType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const allowedAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const def: PssCheckDef = {
  id: 'appArmorProfile',
  level: 'baseline',
  reason: 'forbidden AppArmor profile',
  versions: [
    {
      min: 0,
      check: (pod) => {
        const out: PssViolation[] = [];
        const podProfile = obj(obj(pod.spec.securityContext)?.appArmorProfile);
        if (podProfile && !allowedType(podProfile.type)) {
          out.push(violation(def, `${pod.specPointer}/securityContext/appArmorProfile/type`, `pod must not set securityContext.appArmorProfile.type to "${String(podProfile.type ?? '')}"`));
        }
        for (const c of containersOf(pod)) {
          const p = obj(obj(c.container.securityContext)?.appArmorProfile);
          if (p && !allowedType(p.type)) {
            out.push(violation(def, `${c.pointer}/securityContext/appArmorProfile/type`, `container "${c.name}" must not set securityContext.appArmorProfile.type to "${String(p.type ?? '')}"`, c.name));
          }
        }
        for (const [k, v] of Object.entries(pod.annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          if (k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(v)) {
            out.push(violation(def, ptr(pod.metadataPointer, 'annotations', k), `annotation ${k}="${v}" is a forbidden AppArmor profile`, k.slice(ANNOTATION_PREFIX.length)));
          }
        }
        return out;
      },
    },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-apparmor-profile',
  title: 'AppArmor must not be disabled',
  description: 'Overriding the default AppArmor profile with `Unconfined` removes a mandatory-access-control layer. Pod Security Standards baseline allows only `RuntimeDefault` and `Localhost` in `securityContext.appArmorProfile.type` (pod and containers) and `runtime/default` or `localhost/*` in the deprecated `container.apparmor.security.beta.kubernetes.io/*` annotations.',
  remediation: 'Remove the override, or use `type: RuntimeDefault` (or a `Localhost` profile).',
  references: ['https://kubernetes.io/docs/tutorials/security/apparmor/'],
  equivalents: ['psa:appArmorProfile', 'kyverno:restrict-apparmor-profiles'],
});
