/**
 * v1 Service (ValidateService, with the registry's clusterIP/clusterIPs synchronisation, the defaults
 * of SetDefaults_Service, the IP allocator's range checks when the cluster's ranges are known, and
 * the server's Service warnings).
 */
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortName, isValidPortNum } from './formats.ts';
import type { StageOptions } from './kinds.ts';
import { canonicalIPv6, cidrContains, formatIP, isIPv4, parseCIDRSloppy, parseCIDRStrict, parseIPSloppy, parseIPStrict, type ParsedCIDR, type ParsedIP } from './net.ts';
import { validateLabels } from './meta.ts';
import { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import { arr, has, isObj, num, obj, str, strAt, strMap, type Obj } from './values.ts';

const P = 'api/service/ports' as const;
const S = 'api/service/spec' as const;
const IP = 'api/service/cluster-ip' as const;
const NP = 'api/service/node-port' as const;
const EXT = 'api/service/external-ips' as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validatePortNumOrName(rep: Reporter, v: unknown, path: FieldPath): void {
  if (typeof v === 'number') for (const m of isValidPortNum(v)) rep.invalid(P, path, v, m);
  else if (typeof v === 'string') {
    const hint = /^\d+$/.test(v) ? `a quoted number is a port name: write ${v} without quotes` : undefined;
    for (const m of isValidPortName(v)) rep.invalid(P, path, v, m, hint);
  }
}

/** IP warnings as 1.32 words them (netip.ParseAddr: leading zeros; non-canonical IPv6). */
function ipWarning(rep: Reporter, path: FieldPath, address: string): void {
  const strict = parseIPStrict(address);
  if (!strict) rep.warn('api/warning/ip-format', path, `${path}: IP address was accepted, but will be invalid in a future Kubernetes release: ParseAddr(${JSON.stringify(address)}): IPv4 field has octet with leading zero`, `write it without leading zeros: ${parseIPSloppy(address) ? formatIP(parseIPSloppy(address)!) : address}`);
  else if (!strict.v4 && canonicalIPv6(strict.bytes) !== address && !isIPv4(strict)) {
    const canonical = canonicalIPv6(strict.bytes);
    rep.warn('api/warning/ip-format', path, `${path}: IPv6 address ${JSON.stringify(address)} is not in RFC 5952 canonical format (${JSON.stringify(canonical)}), which may cause controller apply-loops`, `write ${canonical}`);
  }
}

function cidrWarning(rep: Reporter, path: FieldPath, cidr: string): void {
  const strict = parseCIDRStrict(cidr);
  if (!strict) rep.warn('api/warning/ip-format', path, `${path}: IP prefix was accepted, but will be invalid in a future Kubernetes release: netip.ParsePrefix(${JSON.stringify(cidr)}): IPv4 field has octet with leading zero`);
  else if (!strict.ip.v4 && `${canonicalIPv6(strict.ip.bytes)}/${strict.bits}` !== cidr) rep.warn('api/warning/ip-format', path, `${path}: IPv6 prefix ${JSON.stringify(cidr)} is not in RFC 5952 canonical format (${JSON.stringify(`${canonicalIPv6(strict.ip.bytes)}/${strict.bits}`)}), which may cause controller apply-loops`);
}

/** ValidateNonSpecialIP: no unspecified, loopback, link-local or link-local multicast addresses. */
function nonSpecialIPProblem(address: string): string | undefined {
  const ip = parseIPSloppy(address);
  if (!ip) return 'must be a valid IP address';
  const b = ip.bytes;
  if (isIPv4(ip)) {
    const [a, bb] = [b[12]!, b[13]!];
    if (a === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0) return `may not be unspecified (${address})`;
    if (a === 127) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
    if (a === 169 && bb === 254) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
    if (a === 224 && bb === 0 && b[14] === 0) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
    return undefined;
  }
  if (b.every((x) => x === 0)) return `may not be unspecified (${address})`;
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return 'may not be in the loopback range (127.0.0.0/8, ::1/128)';
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return 'may not be in the link-local range (169.254.0.0/16, fe80::/10)';
  if (b[0] === 0xff && (b[1]! & 0x0f) === 0x02) return 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)';
  return undefined;
}

/**
 * The registry's IP-family checks before allocation (initIPFamilyFields): ipFamilyPolicy against the
 * number of IPs and families, and, when the cluster's service ranges are known, families the cluster
 * does not serve (an IPv4-only cluster refuses IPv6 and RequireDualStack).
 */
function ipFamilyAllocation(rep: Reporter, spec: Obj, ips: readonly string[], families: readonly unknown[], opts: StageOptions, ipsPath: (i?: number) => FieldPath): void {
  const sp = FieldPath.root().child('spec');
  const headlessSelectorless = str(spec.clusterIP) === 'None' && strMap(spec.selector).length === 0;
  const policy = str(spec.ipFamilyPolicy) ?? (headlessSelectorless ? 'RequireDualStack' : 'SingleStack');
  const policyPath = (fallback: FieldPath) => (has(spec, 'ipFamilyPolicy') ? sp.child('ipFamilyPolicy') : fallback);
  const before = rep.issues.length;
  if (policy === 'SingleStack') {
    if (ips.length === 2) rep.invalid(S, policyPath(ipsPath()), policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified", 'set ipFamilyPolicy: PreferDualStack, or give one clusterIP');
    if (families.length === 2) rep.invalid(S, policyPath(sp.child('ipFamilies')), policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified", 'set ipFamilyPolicy: PreferDualStack, or list one family');
  }
  const ranges = (opts.serviceClusterIPRanges ?? []).map((r) => parseCIDRSloppy(r)).filter((r) => r !== undefined);
  if (ranges.length === 0) return;
  const configured = new Set<string>(ranges.map((r) => (isIPv4(r.ip) ? 'IPv4' : 'IPv6')));
  ips.forEach((ip, i) => {
    if (ips[0] === 'None' || i < families.length) return;
    const fam = isIPv4(parseIPSloppy(ip)!) ? 'IPv4' : 'IPv6';
    if (!configured.has(fam)) rep.invalid(IP, ipsPath(i), ips, `${fam} is not configured on this cluster`);
  });
  if (rep.issues.length > before || headlessSelectorless) return;
  if (policy === 'RequireDualStack' && configured.size < 2) rep.invalid(S, sp.child('ipFamilyPolicy'), policy, 'this cluster is not configured for dual-stack services', 'use PreferDualStack (falls back to one family) or SingleStack');
  families.forEach((f, i) => {
    if (typeof f === 'string' && !configured.has(f)) rep.invalid(S, sp.child('ipFamilies').index(i), f, 'not configured on this cluster', `this cluster serves ${[...configured].join(' and ')} only`);
  });
}

/**
 * The ClusterIP allocator's usable addresses in a service range: never the network address; for IPv4
 * not the broadcast address either. Up to 1.32 the allocator is a bitmap (MultiCIDRServiceAllocator
 * off), which for IPv6 covers only the first 65536 addresses of the range; from 1.33 the IPAddress
 * allocator has no such limit.
 */
function allocatable(range: ParsedCIDR, ip: ParsedIP, minor: number): boolean {
  const v4 = isIPv4(range.ip);
  const hostBits = (v4 ? 32 : 128) - range.bits;
  let offset = 0n;
  for (let i = 128 - hostBits; i < 128; i++) offset = (offset << 1n) | BigInt((ip.bytes[i >> 3]! >> (7 - (i & 7))) & 1);
  const size = 1n << BigInt(hostBits);
  const max = v4 ? size - 1n : minor <= 32 && size > 65536n ? 65536n : size;
  return offset >= 1n && offset < max;
}

export function validateService(rep: Reporter, o: Obj, opts: StageOptions): void {
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  const meta = obj(o.metadata);
  const annotations = meta?.annotations;
  const type = str(spec.type) || 'ClusterIP';
  const clusterIP = str(spec.clusterIP) ?? '';
  // The registry fills clusterIPs from clusterIP before validation.
  const clusterIPs = arr(spec.clusterIPs).filter((x): x is string => typeof x === 'string');
  const ips = clusterIP && clusterIPs.length === 0 ? [clusterIP] : clusterIPs;
  // The server fills clusterIPs from clusterIP and names clusterIPs; point at what the manifest has.
  const ipsPath = (i?: number) => (spec.clusterIPs === undefined ? sp.child('clusterIP') : i === undefined ? sp.child('clusterIPs') : sp.child('clusterIPs').index(i));
  const headless = type === 'ClusterIP' && clusterIP === 'None';
  const ports = arr(spec.ports);

  const hints = strAt(annotations, 'service.kubernetes.io/topology-aware-hints');
  const mode = strAt(annotations, 'service.kubernetes.io/topology-mode');
  if (hints !== undefined && mode !== undefined && hints !== mode) rep.invalid(S, FieldPath.root().child('metadata', 'annotations').key('service.kubernetes.io/topology-mode'), mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified');

  if (ports.length === 0 && !headless && type !== 'ExternalName') rep.required(S, sp.child('ports'), '', 'a Service needs at least one port (only headless and ExternalName Services may have none)');
  if (type === 'LoadBalancer' || type === 'NodePort') {
    if (ips[0] === 'None') rep.invalid(IP, ipsPath(0), 'None', `may not be set to 'None' for ${type} services`, 'a headless Service must be of type ClusterIP');
  } else if (type === 'ExternalName') {
    if (ips.length > 0) rep.forbidden(IP, ipsPath(), 'may not be set for ExternalName services', 'remove clusterIP');
    if (arr(spec.ipFamilies).length > 0) rep.forbidden(S, sp.child('ipFamilies'), 'may not be set for ExternalName services');
    if (has(spec, 'ipFamilyPolicy')) rep.forbidden(S, sp.child('ipFamilyPolicy'), 'may not be set for ExternalName services');
    const cname = (str(spec.externalName) ?? '').replace(/\.$/, '');
    if (cname) for (const m of isDNS1123Subdomain(cname)) rep.invalid(S, sp.child('externalName'), cname, m);
    else rep.required(S, sp.child('externalName'), '', 'an ExternalName Service needs spec.externalName (the DNS name it aliases)');
  }

  // ports
  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (!isObj(p)) return;
    const pp = sp.child('ports').index(i);
    const name = str(p.name) ?? '';
    if (ports.length > 1 && !name) rep.required(P, pp.child('name'), '', 'when a Service has several ports, each needs a name');
    else if (name) {
      for (const m of isDNS1123Label(name)) rep.invalid(P, pp.child('name'), name, m);
      if (names.has(name)) rep.duplicate(P, pp.child('name'), name);
      else names.add(name);
    }
    const port = num(p.port) ?? 0;
    for (const m of isValidPortNum(port)) rep.invalid(P, pp.child('port'), port, m);
    const protocol = str(p.protocol) || 'TCP';
    if (!PROTOCOLS.includes(protocol)) rep.unsupported(P, pp.child('protocol'), protocol, PROTOCOLS);
    // targetPort defaults to port when unset (0 or "")
    const tp = p.targetPort;
    if (tp !== undefined && tp !== null && tp !== 0 && tp !== '') validatePortNumOrName(rep, tp, pp.child('targetPort'));
    const ap = str(p.appProtocol);
    if (ap !== undefined) for (const m of isQualifiedName(ap)) rep.invalid(P, pp.child('appProtocol'), ap, m);
    const key = `${protocol}/${port}`;
    if (seenPorts.has(key)) rep.duplicate(P, pp, { protocol, port }, 'two ports share port and protocol');
    seenPorts.add(key);
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort) {
      if (type === 'ClusterIP') rep.forbidden(NP, pp.child('nodePort'), "may not be used when `type` is 'ClusterIP'");
      const nk = `${protocol}/${nodePort}`;
      if (seenNodePorts.has(nk)) rep.duplicate(NP, pp.child('nodePort'), nodePort);
      seenNodePorts.add(nk);
      const [lo, hi] = opts.nodePortRange;
      if (type !== 'ClusterIP' && (nodePort < lo || nodePort > hi)) rep.invalid(NP, pp.child('nodePort'), nodePort, `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`, 'leave nodePort unset to get a free one from the range');
    }
  });

  // The selector's keys and values follow the label rules (reported under this rule).
  validateLabels(rep, spec.selector, sp.child('selector'), S);

  const affinity = str(spec.sessionAffinity) || 'None';
  if (affinity !== 'ClientIP' && affinity !== 'None') rep.unsupported(S, sp.child('sessionAffinity'), affinity, ['ClientIP', 'None']);
  if (affinity === 'ClientIP') {
    const t = num(obj(obj(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds);
    if (t !== undefined && (t <= 0 || t > 86400)) rep.invalid(S, sp.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), t, 'must be greater than 0 and less than 86400');
  }

  // clusterIP / clusterIPs
  if (type !== 'ExternalName') {
    if (clusterIP && clusterIPs.length && clusterIPs[0] !== clusterIP) rep.invalid(IP, sp.child('clusterIPs'), clusterIPs, 'first value must match `clusterIP`');
    if (!clusterIP && clusterIPs.length) rep.invalid(IP, sp.child('clusterIPs'), clusterIPs, 'must be empty when `clusterIP` is not specified');
    const families = arr(spec.ipFamilies);
    const seenFamilies = new Set<unknown>();
    families.forEach((f, i) => {
      if (f !== 'IPv4' && f !== 'IPv6') rep.unsupported(S, sp.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']);
      if (seenFamilies.has(f)) rep.duplicate(S, sp.child('ipFamilies').index(i), f);
      seenFamilies.add(f);
    });
    const policy = str(spec.ipFamilyPolicy);
    if (policy !== undefined && !['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(policy)) rep.unsupported(S, sp.child('ipFamilyPolicy'), policy, ['PreferDualStack', 'RequireDualStack', 'SingleStack']);
    let invalid = false;
    ips.forEach((ip, i) => {
      if (i === 0 && ip === 'None') {
        if (ips.length > 1) {
          invalid = true;
          rep.invalid(IP, sp.child('clusterIPs'), ips, "'None' must be the first and only value");
        }
        return;
      }
      if (!parseIPSloppy(ip)) {
        invalid = true;
        rep.invalid(IP, ipsPath(i), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
      }
    });
    if (ips.length > 2) rep.invalid(IP, sp.child('clusterIPs'), ips, 'may only hold up to 2 values');
    if (!invalid && ips.length === 2 && isIPv4(parseIPSloppy(ips[0]!)!) === isIPv4(parseIPSloppy(ips[1]!)!)) rep.invalid(IP, sp.child('clusterIPs'), ips, 'may specify no more than one IP for each IP family');
    if (!invalid && ips[0] !== 'None') {
      ips.forEach((ip, i) => {
        const fam = families[i];
        const v6 = !isIPv4(parseIPSloppy(ip)!);
        if (fam === 'IPv4' && v6) rep.invalid(IP, ipsPath(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``);
        if (fam === 'IPv6' && !v6) rep.invalid(IP, ipsPath(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``);
      });
      // The allocator refuses a fixed IP outside the cluster's service range (known only when given).
      const ranges = (opts.serviceClusterIPRanges ?? []).map((r) => parseCIDRSloppy(r)).filter((r) => r !== undefined);
      if (ranges.length && ips.length && ips[0] !== 'None') {
        const outside = ips.find((ip) => {
          const parsed = parseCIDRSloppy(`${ip}/${isIPv4(parseIPSloppy(ip)!) ? 32 : 128}`)!;
          const family = ranges.filter((r) => isIPv4(r.ip) === isIPv4(parsed.ip));
          return family.length > 0 && !family.some((r) => cidrContains(r, parsed) && allocatable(r, parsed.ip, opts.minor));
        });
        if (outside) {
          const range = ranges.find((r) => isIPv4(r.ip) === isIPv4(parseIPSloppy(outside)!))!;
          rep.invalid(IP, ipsPath(), ips, `failed to allocate IP ${outside}: the provided IP (${outside}) is not in the valid range. The range of valid IPs is ${formatIP(range.ip)}/${range.bits}`, 'leave clusterIP unset to get a free address');
        }
      }
    }
    if (!invalid) ipFamilyAllocation(rep, spec, ips, families, opts, ipsPath);
  }

  arr(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip !== 'string') return;
    const p = sp.child('externalIPs').index(i);
    if (!parseIPSloppy(ip)) rep.invalid(EXT, p, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    else {
      const special = nonSpecialIPProblem(ip);
      if (special) rep.invalid(EXT, p, ip, special);
    }
  });

  if (!TYPES.includes(type)) rep.unsupported(S, sp.child('type'), type, TYPES);

  const ranges = arr(spec.loadBalancerSourceRanges);
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') rep.forbidden(EXT, sp.child('loadBalancerSourceRanges'), "may only be used when `type` is 'LoadBalancer'");
    ranges.forEach((r, i) => {
      if (typeof r !== 'string') return;
      if (!parseCIDRSloppy(r.trim())) rep.invalid(EXT, sp.child('loadBalancerSourceRanges').index(i), r.trim(), 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
    });
  } else {
    const ann = strAt(annotations, 'service.beta.kubernetes.io/load-balancer-source-ranges');
    if (ann !== undefined) {
      const ap = FieldPath.root().child('metadata', 'annotations').key('service.beta.kubernetes.io/load-balancer-source-ranges');
      if (type !== 'LoadBalancer') rep.forbidden(EXT, ap, "may only be used when `type` is 'LoadBalancer'");
      if (ann.trim()) for (const c of ann.trim().split(',')) if (!parseCIDRSloppy(c.trim())) rep.invalid(EXT, ap, c.trim(), 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
    }
  }

  if (has(spec, 'allocateLoadBalancerNodePorts') && type !== 'LoadBalancer') rep.forbidden(S, sp.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'");
  const lbClass = str(spec.loadBalancerClass);
  if (lbClass !== undefined) {
    if (type === 'LoadBalancer') for (const m of isQualifiedName(lbClass)) rep.invalid(S, sp.child('loadBalancerClass'), lbClass, m);
    else rep.forbidden(S, sp.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'");
  }

  // traffic policies
  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
  const etp = str(spec.externalTrafficPolicy) ?? '';
  if (!externallyAccessible) {
    if (etp) rep.invalid(S, sp.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services', 'externalTrafficPolicy applies to NodePort and LoadBalancer Services: remove it');
  } else if (etp && etp !== 'Cluster' && etp !== 'Local') rep.unsupported(S, sp.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']);
  const needsHealthCheck = type === 'LoadBalancer' && (etp === 'Local');
  const hcnp = num(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck && hcnp !== 0) rep.invalid(S, sp.child('healthCheckNodePort'), hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
  else if (needsHealthCheck && hcnp !== 0) for (const m of isValidPortNum(hcnp)) rep.invalid(S, sp.child('healthCheckNodePort'), hcnp, m);
  const itp = str(spec.internalTrafficPolicy);
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') rep.unsupported(S, sp.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']);
  const td = str(spec.trafficDistribution);
  if (td !== undefined) {
    // PreferSameZone/PreferSameNode: beta (on) from 1.34.
    const supported = opts.minor >= 34 ? ['PreferClose', 'PreferSameNode', 'PreferSameZone'] : ['PreferClose'];
    if (!supported.includes(td)) rep.unsupported(S, sp.child('trafficDistribution'), td, supported);
  }

  // warnings
  if (hints !== undefined) rep.warn('api/warning/deprecated-annotation', FieldPath.root().child('metadata', 'annotations').key('service.kubernetes.io/topology-aware-hints'), 'annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead', 'rename the annotation to service.kubernetes.io/topology-mode');
  if (clusterIP && clusterIP !== 'None') ips.forEach((ip, i) => parseIPSloppy(ip) && ipWarning(rep, ipsPath(i), ip));
  arr(spec.externalIPs).forEach((ip, i) => typeof ip === 'string' && parseIPSloppy(ip) && ipWarning(rep, sp.child('externalIPs').index(i), ip));
  const lbIP = str(spec.loadBalancerIP);
  if (lbIP && parseIPSloppy(lbIP)) ipWarning(rep, sp.child('loadBalancerIP'), lbIP);
  ranges.forEach((r, i) => typeof r === 'string' && parseCIDRSloppy(r.trim()) && cidrWarning(rep, sp.child('loadBalancerSourceRanges').index(i), r));
  if (type === 'ExternalName' && arr(spec.externalIPs).length > 0) rep.warn('api/warning/ignored-field', sp.child('externalIPs'), 'spec.externalIPs is ignored when spec.type is "ExternalName"', 'remove externalIPs');
  if (type !== 'ExternalName' && str(spec.externalName)) rep.warn('api/warning/ignored-field', sp.child('externalName'), 'spec.externalName is ignored when spec.type is not "ExternalName"', 'remove externalName, or set type: ExternalName');
}
