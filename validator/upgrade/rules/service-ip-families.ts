import { isObject } from '../json.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { isHeadless, strings, svcType } from './service-util.ts';

const HINT = 'Keep spec.ipFamilies as it was (the primary family of a Service cannot change); add or remove only the secondary family, or create a new Service for the other family.';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/service-ip-families',
    title: 'Service IP family changed',
    kinds: ['core/Service'],
    description:
      "A Service's IP families cannot change once set, except that a secondary family may be added or released (releasing needs ipFamilyPolicy SingleStack). Headless Services and changes to or from ExternalName are exempt. A manifest that did not set ipFamilies got the cluster's primary family (IPv4 unless --service-ip-family says otherwise).",
    remediation: HINT,
    upstream: 'ValidateServiceUpdate / validateUpgradeDowngradeIPFamilies (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/services-networking/dual-stack/'],
  },
  check({ live, next }) {
    if (svcType(live) === 'ExternalName' || svcType(next) === 'ExternalName') return [];
    if (isHeadless(live) !== isHeadless(next) || isHeadless(next)) return [];
    const spec = isObject(next.spec) ? next.spec : {};
    const before = strings(isObject(live.spec) ? live.spec.ipFamilies : undefined);
    const after = strings(spec.ipFamilies);
    const out: UpdateViolation[] = [];
    const msg = (i: number) => `spec.ipFamilies[${i}] changes from ${JSON.stringify(before[i])} to ${JSON.stringify(after[i])}: may not change once set`;
    if (before.length === after.length) {
      if (before.some((f, i) => f !== after[i])) out.push({ path: ['spec', 'ipFamilies', 0], message: msg(before.findIndex((f, i) => f !== after[i])), hint: HINT });
    } else if (before.length > after.length) {
      if (strings(spec.clusterIPs).length === 0) out.push({ path: ['spec', 'ipFamilies', 0], message: 'spec.ipFamilies[0]: primary ipFamily can not be unset', hint: HINT });
      if (after.length > 0 && after[0] !== before[0]) out.push({ path: ['spec', 'ipFamilies', 0], message: msg(0), hint: HINT });
      if (after.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        out.push({ path: ['spec', 'ipFamilyPolicy'], message: "spec.ipFamilyPolicy must be set to 'SingleStack' when releasing the secondary ipFamily", hint: 'Set spec.ipFamilyPolicy: SingleStack together with the single family.' });
      }
    } else if (before.length > 0 && after.length > 0 && after[0] !== before[0]) out.push({ path: ['spec', 'ipFamilies', 0], message: msg(0), hint: HINT });
    return out;
  },
});
