import { isObject, type Path } from '../json.ts';
import { ALLOCATED } from '../server.ts';
import { defineUpgradeRule, type UpdateViolation } from '../types.ts';
import { isHeadless, showIP, strings, svcType } from './service-util.ts';

const HINT_KEEP =
  "Leave spec.clusterIP (and clusterIPs) out of the manifest — the Service keeps the address it has — or set exactly the address it has now (`kubectl get service NAME -o jsonpath='{.spec.clusterIP}'`). A Service only gets a new address by being deleted and re-created.";
const HINT_HEADLESS =
  'A Service cannot switch between headless (clusterIP: None) and a virtual IP. Create the other variant as a second Service with its own name (a StatefulSet needs its own headless governing Service), then remove the old one in a later release.';

export default defineUpgradeRule({
  meta: {
    id: 'upgrade/service-cluster-ip',
    title: 'Service cluster IP changed',
    kinds: ['core/Service'],
    description:
      "Once a Service has a cluster IP, it keeps it: the server refuses a different spec.clusterIP/clusterIPs, turning a Service headless or back, and unsetting the primary address, unless the Service changes to or from type ExternalName. Leaving clusterIP out of the manifest is fine (the server keeps the allocated address); setting one the chart did not set before is refused unless it is exactly the allocated one. A secondary address may be added or released (dual-stack), with ipFamilyPolicy SingleStack when releasing.",
    remediation: HINT_KEEP,
    upstream: 'ValidateServiceUpdate / validateUpgradeDowngradeClusterIPs (pkg/apis/core/validation)',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#choosing-your-own-ip-address'],
  },
  check({ live, next, manifest }) {
    if (svcType(live) === 'ExternalName' || svcType(next) === 'ExternalName') return [];
    if (isHeadless(live) && isHeadless(next)) return [];
    const before = strings(isObject(live.spec) ? live.spec.clusterIPs : undefined);
    const after = strings(isObject(next.spec) ? next.spec.clusterIPs : undefined);
    const spec = isObject(manifest.spec) ? manifest.spec : {};
    // Report where the manifest writes the address.
    const at = (i: number): Path => (i === 0 && spec.clusterIP !== undefined && !Array.isArray(spec.clusterIPs) ? ['spec', 'clusterIP'] : ['spec', 'clusterIPs', i]);
    const hint = isHeadless(live) !== isHeadless(next) ? HINT_HEADLESS : HINT_KEEP;
    const changed = (i: number): UpdateViolation => ({
      path: at(i),
      message: `spec.clusterIPs[${i}] changes from ${showIP(before[i])} to ${showIP(after[i])}: ${i === 0 ? 'the primary cluster IP' : 'a cluster IP'} may not change once set${before[i]?.startsWith(ALLOCATED) ? ' (the previous manifest left the address to the cluster, so the Service has one the manifest cannot know)' : ''}`,
      hint,
    });
    const out: UpdateViolation[] = [];
    if (before.length === after.length) {
      before.forEach((ip, i) => {
        if (ip !== after[i]) out.push(changed(i));
      });
    } else if (before.length > after.length) {
      if (after.length === 0) out.push({ path: at(0), message: 'spec.clusterIPs[0]: primary clusterIP can not be unset', hint });
      else if (after[0] !== before[0]) out.push(changed(0));
      if (after.length === 1 && (isObject(next.spec) ? next.spec.ipFamilyPolicy : undefined) !== 'SingleStack') {
        out.push({ path: ['spec', 'ipFamilyPolicy'], message: "spec.ipFamilyPolicy must be set to 'SingleStack' when releasing the secondary clusterIP", hint: 'Set spec.ipFamilyPolicy: SingleStack together with the single-address clusterIPs.' });
      }
    } else if (before.length > 0 && after[0] !== before[0]) out.push(changed(0));
    return out;
  },
});
