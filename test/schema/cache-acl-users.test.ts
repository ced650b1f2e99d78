/** The cache's application and gateway ACL user names: plain names, never one of the users the chart creates itself. */
import { describe, expect, it } from 'vitest';
import { PlatformConfigBase } from '../../schema/index.ts';

const CHART_USERS = ['default', 'admin', 'replication', 'sentinel', 'exporter', 'haproxy'];

function issuesFor(auth: Record<string, unknown>) {
  const r = PlatformConfigBase.safeParse({ cache: { auth } });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('cache ACL user names', () => {
  it.each(CHART_USERS)('refuses `%s` as the application and as the gateway user, naming the reserved users', (name) => {
    const reason = `is one of the chart's own users (${CHART_USERS.join(', ')})`;
    expect(issuesFor({ username: name })).toEqual([`cache.auth.username: ${reason}`]);
    expect(issuesFor({ gateway: { username: name } })).toEqual([`cache.auth.gateway.username: ${reason}`]);
  });

  it('accepts a plain name and refuses one with characters ACL names do not take', () => {
    expect(issuesFor({ username: 'app', gateway: { username: 'kong-limits' } })).toEqual([]);
    expect(issuesFor({ username: 'app user' })).toEqual(['cache.auth.username: must be an ACL user name (letters, digits, `_`, `.`, `-`)']);
  });
});
