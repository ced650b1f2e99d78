/**
 * The intended PostgreSQL settings, computed in TypeScript from an environment file through the Zod
 * model: an independent statement of the derivation documented in _stateful.tpl, so the test proves the
 * Go template computes what the design says (not just whatever it computes).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { PlatformConfig } from '../../../schema/index.ts';

const BINARY: Record<string, number> = { '': 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3 };

export function quantityBytes(q: string | number): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q));
  if (!m || !(m[2]! in BINARY)) throw new Error(`unreadable quantity ${q}`);
  return Number(m[1]) * BINARY[m[2]!]!;
}

export function quantityCores(q: string | number): number {
  const s = String(q);
  return s.endsWith('m') ? Number(s.slice(0, -1)) / 1000 : Number(s);
}

const MiB = 1024 * 1024;

/** Expected values, memory in bytes, counts as numbers. */
export function intendedPgSettings(valuesFile: string): Record<string, number> {
  return intendedFromValues(parse(readFileSync(valuesFile, 'utf8')) ?? {});
}

/** The same from values given as data (merged over the defaults by the Zod model). */
export function intendedFromValues(values: unknown): Record<string, number> {
  const config = PlatformConfig.parse(values);
  const db = config.database;
  const mem = Math.floor(quantityBytes(db.resources.limits.memory ?? db.resources.requests.memory ?? '1Gi') / MiB);
  const cores = Math.max(1, Math.floor(quantityCores(db.resources.limits.cpu ?? db.resources.requests.cpu ?? '1')));
  const maxConn = db.tuning.maxConnections ?? Math.min(400, Math.max(50, Math.floor(mem / 32)));
  const sb = Math.floor(mem / 4);
  const maxWal = Math.min(16384, Math.max(1024, Math.floor(mem / 2)));
  const intended: Record<string, number> = {
    max_connections: maxConn,
    shared_buffers: sb * MiB,
    effective_cache_size: Math.floor((mem * 3) / 4) * MiB,
    maintenance_work_mem: Math.min(2048, Math.floor(mem / 16)) * MiB,
    work_mem: Math.max(4096, Math.floor(((mem - sb) * 1024) / (3 * maxConn))) * 1024,
    wal_buffers: Math.min(16, Math.max(1, Math.floor(sb / 32))) * MiB,
    max_wal_size: maxWal * MiB,
    min_wal_size: Math.floor(maxWal / 4) * MiB,
    max_worker_processes: Math.max(8, cores),
    max_parallel_workers: cores,
    max_parallel_workers_per_gather: Math.max(1, Math.floor(cores / 2)),
    max_parallel_maintenance_workers: Math.max(1, Math.floor(cores / 2)),
  };
  for (const [k, v] of Object.entries(db.tuning.overrides)) {
    if (k in intended) intended[k] = typeof v === 'number' ? v : pgValueInBase(String(v), 'B');
  }
  return intended;
}

const MEMORY: Record<string, number> = { B: 1, kB: 1024, MB: MiB, GB: 1024 * MiB, TB: 1024 * 1024 * MiB };
const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A postgresql.conf numeric value (`2048MB`, `15min`, `0.9`) in the given pg_settings unit (`8kB`, `kB`,
 * `ms`, `s`, `B`; '' for none).
 */
export function pgValueInBase(value: string, unit: string): number {
  const m = /^\s*(-?[0-9.]+)\s*([a-zA-Z]*)\s*$/.exec(value);
  if (!m) throw new Error(`not a numeric setting: ${value}`);
  const n = Number(m[1]);
  const u = m[2]!;
  if (!u) return n;
  const unitM = /^(\d*)([a-zA-Z]+)$/.exec(unit);
  const mult = unitM && unitM[1] ? Number(unitM[1]) : 1;
  const base = unitM?.[2] ?? '';
  if (u in MEMORY && base in MEMORY) return (n * MEMORY[u]!) / (mult * MEMORY[base]!);
  if (u in TIME && base in TIME) return (n * TIME[u]!) / (mult * TIME[base]!);
  throw new Error(`cannot convert ${value} to unit ${unit || '(none)'}`);
}

/** The rendered postgresql.conf as name → raw value (quotes removed). */
export function parsePgConf(conf: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of conf.split('\n')) {
    const m = /^\s*([a-z_.]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const raw = m[2]!;
    out[m[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
  }
  return out;
}
