/** The chart's rendered PgBouncer (pgbouncer.ini + pgbouncer-start.sh) on 127.0.0.1, in front of a test PostgreSQL. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Postgres } from './postgres.ts';
import { chownToService, freePort, requireTool, run, startServer, waitFor, type Server } from './proc.ts';

export interface RenderedPgBouncer {
  /** The rendered ConfigMap's pgbouncer.ini and pgbouncer-start.sh. */
  ini: string;
  startScript: string;
  /** The TLS-serving PostgreSQL behind it. */
  pg: Postgres;
  /** A service-owned directory for the config, the auth file and the socket. */
  dir: string;
  user: string;
  password: string;
  /** A test's own change to the config after the loopback rewrite (e.g. a wrong server name). */
  rewrite?: (ini: string) => string;
}

/**
 * Starts PgBouncer with the rendered files, rewriting only cluster-only addresses and paths (the mounted
 * certificate files included), and waits until it accepts connections.
 */
export async function startRenderedPgBouncer(o: RenderedPgBouncer): Promise<{ port: number; server: Server }> {
  requireTool('pgbouncer');
  const port = await freePort();
  const authFile = join(o.dir, 'userlist.txt');
  const loopback = o.ini
    .replace(/^\* = host=\S+ port=\d+$/m, `* = host=127.0.0.1 port=${o.pg.port}`)
    .replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
    .replace(/^listen_port = .*$/m, `listen_port = ${port}`)
    .replace(/^auth_file = .*$/m, `auth_file = ${authFile}`)
    .replace(/^client_tls_cert_file = .*$/m, `client_tls_cert_file = ${o.pg.tls!.cert}`)
    .replace(/^client_tls_key_file = .*$/m, `client_tls_key_file = ${o.pg.tls!.key}`)
    .replace(/^server_tls_ca_file = .*$/m, `server_tls_ca_file = ${o.pg.tls!.ca.cert}`);
  writeFileSync(join(o.dir, 'pgbouncer.ini'), o.rewrite ? o.rewrite(loopback) : loopback);
  writeFileSync(join(o.dir, 'pgbouncer-start.sh'), o.startScript, { mode: 0o755 });
  for (const f of ['pgbouncer.ini', 'pgbouncer-start.sh']) chownToService(join(o.dir, f));
  const server = startServer('/bin/sh', [join(o.dir, 'pgbouncer-start.sh')], {
    asService: true,
    env: { PGBOUNCER_INI: join(o.dir, 'pgbouncer.ini'), PGBOUNCER_AUTH_FILE: authFile, DB_USER: o.user, DB_PASSWORD: o.password },
  });
  try {
    await waitFor('PgBouncer to listen', () => {
      if (server.proc.exitCode !== null) throw new Error(`pgbouncer exited ${server.proc.exitCode}: ${server.output()}`);
      return run('pg_isready', ['-h', '127.0.0.1', '-p', String(port)]).status === 0;
    }, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { port, server };
}
