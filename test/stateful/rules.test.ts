/** Cross-field rules of the stateful tiers (Zod only; values.schema.json cannot express them). */
import { describe, expect, it } from 'vitest';
import { PlatformConfig } from '../../schema/index.ts';

const issues = (input: unknown) => {
  const r = PlatformConfig.safeParse(input);
  return r.success ? [] : r.error.issues.filter((i) => i.path[0] === 'database').map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('backup-restore-targets', () => {
  it('needs a bucket and credentials for object storage', () => {
    expect(issues({ database: { backup: { objectStorage: { enabled: true } } } })).toEqual([
      'database.backup.objectStorage.bucket: object storage is on: set database.backup.objectStorage.bucket',
      'database.backup.objectStorage.existingSecret: object storage is on: set database.backup.objectStorage.existingSecret to the Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    ]);
    expect(issues({ database: { backup: { objectStorage: { enabled: true, bucket: 'b', existingSecret: 's' } } } })).toEqual([]);
  });

  it('needs the private key Secret to restore encrypted dumps', () => {
    const encrypted = { encryption: { enabled: true, existingSecret: 'pub' } };
    expect(issues({ database: { restore: { requestId: 'r1' }, backup: encrypted } })).toEqual(['database.restore.existingSecret: the dumps are encrypted: set database.restore.existingSecret to the Secret with the private key']);
    expect(issues({ database: { restore: { requestId: 'r1', existingSecret: 'k' }, backup: encrypted } })).toEqual([]);
    expect(issues({ database: { restore: { requestId: 'r1' }, backup: { encryption: { enabled: false } } } })).toEqual([]);
  });

  it('needs the public key Secret to encrypt dumps', () => {
    expect(issues({ database: { backup: { encryption: { enabled: true } } } })).toEqual(['database.backup.encryption.existingSecret: backups are encrypted: set database.backup.encryption.existingSecret to the Secret with the public key']);
  });

  it('rejects a restore dump name that is a path', () => {
    expect(issues({ database: { restore: { dumpName: '../etc/passwd' } } })[0]).toMatch(/^database\.restore\.dumpName: must be a file name/);
  });
});
