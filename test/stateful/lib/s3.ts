/**
 * A real S3-compatible server on 127.0.0.1 for the off-cluster backup tests: s3rver (npm, a devDependency),
 * which stores each object as files under its directory, and rclone (Debian) as the test's own client.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../util/paths.ts';
import { freePort, requireTool, runOk, startServer, waitFor, type Server } from './proc.ts';

/** s3rver's default credentials (it checks every request's signature against them). */
export const S3_KEY = { id: 'S3RVER', secret: 'S3RVER' };

export interface S3Server {
  endpoint: string;
  dir: string;
  server: Server;
  /** rclone environment for the remote `s3test:` (the test's own client, not the chart's). */
  env: Record<string, string>;
  /** Object names under bucket/prefix (one level). */
  list: (path: string) => string[];
  /** Sets an object's LastModified (s3rver reports the stored file's mtime) to `days` ago. */
  age: (key: string, days: number) => void;
  stop: () => Promise<void>;
}

export async function startS3(bucket: string): Promise<S3Server> {
  requireTool('rclone');
  const bin = join(PROJECT_ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js');
  if (!existsSync(bin)) throw new Error('s3rver is not installed: run `npm ci` (it is a devDependency)');
  const dir = mkdtempSync(join(tmpdir(), 'nexus-s3-'));
  const port = await freePort();
  const server = startServer(process.execPath, [bin, '-d', dir, '-a', '127.0.0.1', '-p', String(port), '--configure-bucket', bucket, '--no-vhost-buckets']);
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    RCLONE_CONFIG: '/dev/null',
    RCLONE_CONFIG_S3TEST_TYPE: 's3',
    RCLONE_CONFIG_S3TEST_PROVIDER: 'Other',
    RCLONE_CONFIG_S3TEST_ENDPOINT: endpoint,
    RCLONE_CONFIG_S3TEST_ACCESS_KEY_ID: S3_KEY.id,
    RCLONE_CONFIG_S3TEST_SECRET_ACCESS_KEY: S3_KEY.secret,
    RCLONE_CONFIG_S3TEST_FORCE_PATH_STYLE: 'true',
    AWS_CA_BUNDLE: '',
  };
  await waitFor('s3rver to listen', async () => {
    if (server.proc.exitCode !== null) throw new Error(`s3rver exited ${server.proc.exitCode}:\n${server.output()}`);
    return (await fetch(`${endpoint}/${bucket}`).catch(() => undefined))?.status !== undefined;
  });
  const objectFile = (key: string) => join(dir, `${key}._S3rver_object`);
  return {
    endpoint,
    dir,
    server,
    env,
    list: (path) => runOk('rclone', ['lsf', '--files-only', `s3test:${path}`], { env }).split('\n').filter(Boolean).sort(),
    age: (key, days) => {
      const t = new Date(Date.now() - days * 86_400_000);
      utimesSync(objectFile(key), t, t);
    },
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every object file s3rver holds (for diagnostics). */
export function storedObjects(s3: S3Server): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('._S3rver_object') && out.push(join(d, e.name));
  };
  walk(s3.dir);
  return out;
}
