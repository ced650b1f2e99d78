/** Service helpers shared by the Service upgrade rules. Pure. */
import { isObject, type JsonObject } from '../json.ts';
import { ALLOCATED } from '../server.ts';

export const svcType = (o: JsonObject): string => {
  const spec = isObject(o.spec) ? o.spec : {};
  return typeof spec.type === 'string' && spec.type ? spec.type : 'ClusterIP';
};

export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);

export function isHeadless(o: JsonObject): boolean {
  const ips = strings(isObject(o.spec) ? o.spec.clusterIPs : undefined);
  return ips.length === 1 && ips[0] === 'None';
}

/** An address for a message: the allocated placeholder reads as prose. */
export const showIP = (ip: string | undefined): string => (ip === undefined ? '(unset)' : ip.startsWith(ALLOCATED) ? 'the address the cluster allocated' : JSON.stringify(ip));
