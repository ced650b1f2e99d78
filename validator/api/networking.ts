/**
 * networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy (pkg/apis/networking/validation), with
 * the server's warning about the kubernetes.io/ingress.class annotation.
 */
import { isDNS1035Label, isDNS1123Subdomain, isDomainPrefixedPath, isValidPathSegmentName, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain } from './formats.ts';
import { cidrContains, isV4CIDR, parseCIDRSloppy, parseIPSloppy } from './net.ts';
import { FieldPath } from './path.ts';
import type { Reporter } from './report.ts';
import { validateLabelSelector } from './selector.ts';
import { arr, has, isObj, num, obj, str, strMap, type Obj } from './values.ts';

const RULES = 'api/ingress/rules' as const;
const BACKEND = 'api/ingress/backend' as const;
const CLASS = 'api/ingress/class' as const;
const NP = 'api/networkpolicy/spec' as const;
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function hostProblems(host: string): readonly string[] {
  return host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
}

function validateBackend(rep: Reporter, backend: Obj, path: FieldPath): void {
  const resource = obj(backend.resource);
  const service = obj(backend.service);
  if (resource && service) return rep.invalid(BACKEND, path, '', 'cannot set both resource and service backends', 'point the path at a service or a resource, not both');
  if (resource) {
    const group = str(resource.apiGroup);
    if (group !== undefined) for (const m of isDNS1123Subdomain(group)) rep.invalid(BACKEND, path.child('resource', 'apiGroup'), group, m);
    for (const f of ['kind', 'name']) {
      const v = str(resource[f]) ?? '';
      if (!v) rep.required(BACKEND, path.child('resource', f), `${f} is required`);
      else for (const m of isValidPathSegmentName(v)) rep.invalid(BACKEND, path.child('resource', f), v, m);
    }
    return;
  }
  if (!service) return rep.invalid(BACKEND, path, '', 'resource or service backend is required', 'add service: {name, port: {number}}');
  const name = str(service.name) ?? '';
  if (!name) rep.required(BACKEND, path.child('service', 'name'));
  else for (const m of isDNS1035Label(name)) rep.invalid(BACKEND, path.child('service', 'name'), name, m);
  const port = obj(service.port) ?? {};
  const portName = str(port.name) ?? '';
  const portNumber = num(port.number) ?? 0;
  if (portName && portNumber) rep.invalid(BACKEND, path, '', 'cannot set both port name & port number');
  else if (portName) for (const m of isValidPortName(portName)) rep.invalid(BACKEND, path.child('service', 'port', 'name'), portName, m);
  else if (portNumber) for (const m of isValidPortNum(portNumber)) rep.invalid(BACKEND, path.child('service', 'port', 'number'), portNumber, m);
  else rep.required(BACKEND, path, 'port name or number is required', 'set service.port.number (1-65535) or service.port.name');
}

export function validateIngress(rep: Reporter, o: Obj): void {
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  const rules = arr(spec.rules);
  if (rules.length === 0 && !has(spec, 'defaultBackend')) rep.invalid(RULES, sp, spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified');
  const db = obj(spec.defaultBackend);
  if (db) validateBackend(rep, db, sp.child('defaultBackend'));
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    const rp = sp.child('rules').index(i);
    const host = str(r.host) ?? '';
    if (host) {
      if (parseIPSloppy(host)) rep.invalid(RULES, rp.child('host'), host, 'must be a DNS name, not an IP address');
      for (const m of hostProblems(host)) rep.invalid(RULES, rp.child('host'), host, m);
    }
    const http = obj(r.http);
    if (!http) return;
    const paths = arr(http.paths);
    if (paths.length === 0) rep.required(RULES, rp.child('http', 'paths'));
    paths.forEach((p, j) => {
      if (!isObj(p)) return;
      const pp = rp.child('http', 'paths').index(j);
      const pathType = str(p.pathType);
      const value = str(p.path) ?? '';
      if (pathType === undefined) {
        rep.required(RULES, pp.child('pathType'), 'pathType must be specified', 'use Prefix, Exact or ImplementationSpecific');
        return;
      }
      if (pathType === 'Exact' || pathType === 'Prefix') {
        if (!value.startsWith('/')) rep.invalid(RULES, pp.child('path'), value, 'must be an absolute path');
        if (value) {
          for (const seq of ['//', '/./', '/../', '%2f', '%2F']) if (value.includes(seq)) rep.invalid(RULES, pp.child('path'), value, `must not contain '${seq}'`);
          for (const suffix of ['/..', '/.']) if (value.endsWith(suffix)) rep.invalid(RULES, pp.child('path'), value, `cannot end with '${suffix}'`);
        }
      } else if (pathType === 'ImplementationSpecific') {
        if (value && !value.startsWith('/')) rep.invalid(RULES, pp.child('path'), value, 'must be an absolute path');
      } else rep.unsupported(RULES, pp.child('pathType'), pathType, PATH_TYPES, 'regular expressions are controller-specific: use pathType ImplementationSpecific');
      validateBackend(rep, obj(p.backend) ?? {}, pp.child('backend'));
    });
  });
  arr(spec.tls).forEach((t, i) => {
    if (!isObj(t)) return;
    const tp = sp.child('tls').index(i);
    arr(t.hosts).forEach((h, j) => {
      if (typeof h === 'string') for (const m of hostProblems(h)) rep.invalid('api/ingress/tls', tp.child('hosts').index(j), h, m);
    });
    const secret = str(t.secretName) ?? '';
    if (secret) for (const m of isDNS1123Subdomain(secret)) rep.invalid('api/ingress/tls', tp.child('secretName'), secret, m);
  });
  const className = str(spec.ingressClassName);
  if (className !== undefined) for (const m of isDNS1123Subdomain(className)) rep.invalid(CLASS, sp.child('ingressClassName'), className, m);
  const annotation = new Map(strMap(obj(o.metadata)?.annotations)).get('kubernetes.io/ingress.class');
  const annPath = FieldPath.root().child('metadata', 'annotations').key('kubernetes.io/ingress.class');
  if (annotation !== undefined && className !== undefined && annotation !== className) rep.invalid(CLASS, annPath, annotation, 'must match `ingressClassName` when both are specified', 'remove the deprecated annotation');
  if (annotation !== undefined && className === undefined) rep.warn('api/warning/deprecated-annotation', annPath, 'annotation "kubernetes.io/ingress.class" is deprecated, please use \'spec.ingressClassName\' instead', `replace the annotation with spec.ingressClassName: ${annotation}`);
}

export function validateIngressClass(rep: Reporter, o: Obj): void {
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  const controller = str(spec.controller) ?? '';
  if (controller.length > 250) rep.tooLong(CLASS, sp.child('controller'), 250, 'characters');
  for (const [v, m] of isDomainPrefixedPath(controller)) {
    if (!m) rep.required(CLASS, sp.child('controller'));
    else rep.invalid(CLASS, sp.child('controller'), v, m);
  }
  const params = obj(spec.parameters);
  if (params) {
    const pp = sp.child('parameters');
    for (const f of ['kind', 'name']) {
      const v = str(params[f]) ?? '';
      if (!v) rep.required(CLASS, pp.child(f), `${f} is required`);
      else for (const m of isValidPathSegmentName(v)) rep.invalid(CLASS, pp.child(f), v, m);
    }
    const scope = str(params.scope) ?? 'Cluster';
    const ns = str(params.namespace);
    if (scope !== 'Cluster' && scope !== 'Namespace') rep.unsupported(CLASS, pp.child('scope'), scope, ['Cluster', 'Namespace']);
    else if (scope === 'Namespace' && !ns) rep.required(CLASS, pp.child('namespace'), '`parameters.scope` is set to \'Namespace\'');
    else if (scope === 'Cluster' && ns !== undefined) rep.forbidden(CLASS, pp.child('namespace'), '`parameters.scope` is set to \'Cluster\'');
  }
}

function validatePort(rep: Reporter, port: Obj, path: FieldPath): void {
  const protocol = str(port.protocol);
  if (protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(protocol)) rep.unsupported(NP, path.child('protocol'), protocol, ['TCP', 'UDP', 'SCTP']);
  const p = port.port;
  const endPort = num(port.endPort);
  if (typeof p === 'number') {
    for (const m of isValidPortNum(p)) rep.invalid(NP, path.child('port'), p, m);
    if (endPort !== undefined) {
      if (endPort < p) rep.invalid(NP, path.child('endPort'), p, 'must be greater than or equal to `port`');
      for (const m of isValidPortNum(endPort)) rep.invalid(NP, path.child('endPort'), endPort, m);
    }
  } else if (typeof p === 'string') {
    if (endPort !== undefined) rep.invalid(NP, path.child('endPort'), endPort, 'may not be specified when `port` is non-numeric');
    const hint = /^\d+$/.test(p) ? `a quoted number is a port name: write ${p} without quotes` : undefined;
    for (const m of isValidPortName(p)) rep.invalid(NP, path.child('port'), p, m, hint);
  } else if (endPort !== undefined) rep.invalid(NP, path.child('endPort'), endPort, 'may not be specified when `port` is not specified');
}

function validatePeer(rep: Reporter, peer: Obj, path: FieldPath): void {
  let n = 0;
  if (has(peer, 'podSelector')) {
    n++;
    validateLabelSelector(rep, NP, peer.podSelector, path.child('podSelector'));
  }
  if (has(peer, 'namespaceSelector')) {
    n++;
    validateLabelSelector(rep, NP, peer.namespaceSelector, path.child('namespaceSelector'));
  }
  const ipBlock = obj(peer.ipBlock);
  if (ipBlock) {
    n++;
    const bp = path.child('ipBlock');
    const cidrText = str(ipBlock.cidr) ?? '';
    if (!cidrText) rep.required(NP, bp.child('cidr'));
    else {
      const cidr = parseCIDRSloppy(cidrText);
      if (!cidr) rep.invalid(NP, bp.child('cidr'), cidrText, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
      else {
        arr(ipBlock.except).forEach((e, i) => {
          if (typeof e !== 'string') return;
          const ep = bp.child('except').index(i);
          const except = parseCIDRSloppy(e);
          if (!except) return rep.invalid(NP, ep, e, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
          const sameFamily = isV4CIDR(cidr) === isV4CIDR(except);
          if (!sameFamily || !cidrContains(cidr, except) || cidr.bits >= except.bits) rep.invalid(NP, ep, e, 'must be a strict subset of `cidr`');
        });
      }
    }
  }
  if (n === 0) rep.required(NP, path, 'must specify a peer', 'add a podSelector, namespaceSelector or ipBlock');
  else if (n > 1 && ipBlock) rep.forbidden(NP, path, 'may not specify both ipBlock and another peer', 'put the ipBlock into its own list item');
}

export function validateNetworkPolicy(rep: Reporter, o: Obj): void {
  const spec = obj(o.spec) ?? {};
  const sp = FieldPath.root().child('spec');
  validateLabelSelector(rep, NP, spec.podSelector, sp.child('podSelector'));
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    arr(spec[dir]).forEach((rule, i) => {
      if (!isObj(rule)) return;
      const rp = sp.child(dir).index(i);
      arr(rule.ports).forEach((p, j) => isObj(p) && validatePort(rep, p, rp.child('ports').index(j)));
      arr(rule[peers]).forEach((p, j) => isObj(p) && validatePeer(rep, p, rp.child(peers).index(j)));
    });
  }
  const types = arr(spec.policyTypes);
  if (types.length > 2) rep.invalid(NP, sp.child('policyTypes'), types, 'may not specify more than two policyTypes');
  else types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') rep.unsupported(NP, sp.child('policyTypes').index(i), t, ['Ingress', 'Egress']);
  });
}
