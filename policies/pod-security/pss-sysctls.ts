import { definePssPolicy, violation, type PssCheckDef, type PssViolation } from '../pss/check.ts';
import { obj, objs } from '../util/json.ts';
import type { PodView } from '../util/pod.ts';

const V1_0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [...V1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function check(allowedList: string[]) {
  const allowed = new Set(allowedList);
  return (pod: PodView): PssViolation[] =>
    objs(obj(pod.spec.securityContext)?.sysctls).flatMap((s, i) =>
      typeof s.name === 'string' && allowed.has(s.name) ? [] : [violation(def, `${pod.specPointer}/securityContext/sysctls/${i}/name`, `sysctl "${String(s.name)}" is not in the safe set`)],
    );
}

const def: PssCheckDef = {
  id: 'sysctls',
  level: 'baseline',
  reason: 'forbidden sysctls',
  versions: [
    { min: 0, check: check(V1_0) },
    { min: 27, check: check(V1_27) },
    { min: 29, check: check(V1_29) },
    { min: 32, check: check(V1_32) },
    { min: 37, check: check(V1_37) },
  ],
};

export default definePssPolicy(def, {
  id: 'pss-sysctls',
  title: 'Only namespaced, safe sysctls',
  description: 'Sysctls can change kernel behaviour for the whole node. Pod Security Standards baseline allows only the "safe" set, which grows with the policy version (v1.27: `net.ipv4.ip_local_reserved_ports`; v1.29: TCP keepalive/fin timeouts; v1.32: `tcp_rmem`/`tcp_wmem`; v1.37: `tcp_slow_start_after_idle`, `tcp_notsent_lowat`).',
  remediation: 'Remove the sysctl from `securityContext.sysctls`, or tune it on the node instead.',
  references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
  equivalents: ['psa:sysctls', 'kube-linter:unsafe-sysctls', 'kyverno:restrict-sysctls'],
});
