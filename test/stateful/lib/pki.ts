/**
 * Certificates for the TLS tests, made by openssl in the test: a CA, server certificates it signs for
 * chosen names, and a second ("rogue") CA that nothing trusts. Keys are owned by the service user
 * (PostgreSQL, PgBouncer and Redis run as it) with mode 0600.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chownToService, requireTool, runOk } from './proc.ts';

export interface Ca {
  cert: string;
  key: string;
}

export interface Leaf {
  cert: string;
  key: string;
}

/** A self-signed CA (RSA 2048, one day). */
export function makeCa(dir: string, name: string): Ca {
  requireTool('openssl');
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  runOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', key, '-out', cert]);
  return { cert, key };
}

/**
 * A certificate signed by `ca` for the given subject alternative names (`DNS:localhost`, `IP:127.0.0.1`),
 * usable by servers and clients.
 */
export function makeLeaf(dir: string, name: string, ca: Ca, altNames: string[]): Leaf {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  runOk('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', csr]);
  writeFileSync(ext, `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${altNames.join(',')}\n`);
  runOk('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-days', '1', '-sha256', '-extfile', ext, '-out', cert]);
  runOk('chmod', ['0600', key]);
  chownToService(key);
  chownToService(cert);
  return { cert, key };
}
