/**
 * A real PostgreSQL for the tests, started from the chart's rendered postgresql.conf and pg_hba.conf.
 * Only cluster-only addresses and paths are rewritten (listen address, port, socket dir, hba and TLS
 * file paths); every other setting is used as rendered.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCa, makeLeaf, type Ca } from './pki.ts';
import { chownToService, freePort, requireTool, run, runOk, serviceTempDir, startServer, waitFor, type Server } from './proc.ts';

export const SUPERUSER_PASSWORD = 'super secret "pw"';

export interface Postgres {
  port: number;
  dir: string;
  socketDir: string;
  server: Server;
  /** With `tls`: the CA and the server certificate (names `localhost` and 127.0.0.1). */
  tls?: ServerTls;
  /** libpq environment for the superuser over TCP (verify-full against the CA with `tls`). */
  env: NodeJS.ProcessEnv;
  psql: (sql: string, db?: string) => string;
  stop: () => Promise<void>;
}

/** Rewrites `key = value` lines of a postgresql.conf (only the keys given). */
export function rewriteConf(conf: string, replace: Record<string, string>): string {
  const seen = new Set<string>();
  const out = conf.split('\n').map((line) => {
    const m = /^\s*([a-z_.]+)\s*=/.exec(line);
    if (m && m[1]! in replace) {
      seen.add(m[1]!);
      return `${m[1]} = ${replace[m[1]!]}`;
    }
    return line;
  });
  const missing = Object.keys(replace).filter((k) => !seen.has(k));
  if (missing.length) throw new Error(`the rendered config has no ${missing.join(', ')} line to rewrite`);
  return out.join('\n');
}

/** The server certificate of a TLS test server: signed by its own CA for `localhost` and 127.0.0.1. */
export interface ServerTls {
  ca: Ca;
  cert: string;
  key: string;
}

/**
 * initdb (superuser `postgres` with SUPERUSER_PASSWORD), then start with the rendered config. The config
 * file lives outside the data directory, as in the pod (`-c config_file=`).
 */
export async function startPostgres(renderedConf: string, renderedHba: string, options: { tls?: boolean } = {}): Promise<Postgres> {
  requireTool('initdb');
  requireTool('postgres');
  const dir = serviceTempDir('nexus-pg-');
  const data = join(dir, 'data');
  const socketDir = join(dir, 'run');
  runOk('mkdir', ['-p', socketDir], { asService: true });
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`);
  chownToService(pwfile);
  runOk('initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8'], { asService: true });

  const port = await freePort();
  const replace: Record<string, string> = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${socketDir}'`,
    hba_file: `'${join(dir, 'pg_hba.conf')}'`,
  };
  let tls: ServerTls | undefined;
  if (options.tls) {
    const ca = makeCa(join(dir, 'pki'), 'test-ca');
    tls = { ca, ...makeLeaf(join(dir, 'pki'), 'postgresql', ca, ['DNS:localhost', 'IP:127.0.0.1']) };
    Object.assign(replace, { ssl_cert_file: `'${tls.cert}'`, ssl_key_file: `'${tls.key}'`, ssl_ca_file: `'${ca.cert}'` });
  }
  const confPath = join(dir, 'postgresql.conf');
  writeFileSync(confPath, rewriteConf(renderedConf, replace));
  writeFileSync(join(dir, 'pg_hba.conf'), renderedHba);
  chownToService(confPath);
  chownToService(join(dir, 'pg_hba.conf'));

  const server = startServer('postgres', ['-D', data, '-c', `config_file=${confPath}`], { asService: true });
  const env: NodeJS.ProcessEnv = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'postgres', PGPASSWORD: SUPERUSER_PASSWORD, PGSSLMODE: tls ? 'verify-full' : 'disable', ...(tls ? { PGSSLROOTCERT: tls.ca.cert } : {}), PGCONNECT_TIMEOUT: '5' };
  const psql = (sql: string, db = 'postgres') => runOk('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-tA', '-d', db, '-c', sql], { env }).trim();
  try {
    await waitFor('PostgreSQL to accept connections', () => {
      if (server.proc.exitCode !== null) throw new Error(`postgres exited ${server.proc.exitCode}:\n${server.output()}`);
      return run('pg_isready', ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
    }, 60_000);
  } catch (err) {
    await server.stop();
    throw new Error(`${String(err)}\n--- postgres output ---\n${server.output()}`);
  }
  const stop = async () => {
    await server.stop('SIGINT'); // fast shutdown
    rmSync(dir, { recursive: true, force: true });
  };
  return { port, dir, socketDir, server, ...(tls ? { tls } : {}), env, psql, stop };
}
