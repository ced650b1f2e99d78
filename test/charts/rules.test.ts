/** The cross-field rule that keeps the backend's credential references in step with the data tiers. */
import { describe, expect, it } from 'vitest';
import { PlatformConfig } from '../../schema/index.ts';

function ruleIssues(input: unknown): string[] {
  const result = PlatformConfig.safeParse(input);
  if (result.success) return [];
  return result.error.issues.filter((i) => (i as { params?: { rule?: string } }).params?.rule === 'backend-credential-refs').map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('backend-credential-refs', () => {
  it('passes when both sides use the default Secret names', () => {
    expect(ruleIssues({})).toEqual([]);
  });

  it('flags a backend that would read the default Secret while the database uses an existing one', () => {
    expect(ruleIssues({ database: { auth: { existingSecret: 'db-creds' } } })).toEqual([
      'backend.database.existingSecret: the backend reads `<release>-database` but database.auth.existingSecret is `db-creds`; set backend.database.existingSecret: db-creds',
    ]);
  });

  it('flags a key mismatch on the same Secret', () => {
    expect(ruleIssues({ cache: { auth: { existingSecret: 'r' } }, backend: { redis: { existingSecret: 'r', passwordKey: 'pw' } } })).toEqual([
      'backend.redis.passwordKey: the backend reads key `pw` but cache.auth stores the password under `redis-password`',
    ]);
  });

  it('does not apply to an external database or a disabled tier', () => {
    expect(ruleIssues({ database: { auth: { existingSecret: 'db' } }, backend: { database: { host: 'db.example.com' } } })).toEqual([]);
    expect(ruleIssues({ database: { enabled: false, auth: { existingSecret: 'db' } } })).toEqual([]);
    expect(ruleIssues({ cache: { auth: { existingSecret: 'r' } }, backend: { enabled: false } })).toEqual([]);
  });
});
