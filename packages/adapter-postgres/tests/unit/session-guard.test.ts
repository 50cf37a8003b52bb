import { describe, expect, it } from 'vitest';

import { sessionGuardStatement } from '../../src/postgres-session-guard.js';

describe('sessionGuardStatement', () => {
  it('turns off both idle timeouts and sets the connection check, each only where the server knows the setting', () => {
    const sql = sessionGuardStatement(new Map());
    expect(sql).toBe(
      'SELECT set_config(wanted.name, wanted.value, false) FROM (VALUES ' +
        "('idle_session_timeout', '0'), ('idle_in_transaction_session_timeout', '0'), ('client_connection_check_interval', '1s')" +
        ') AS wanted (name, value) WHERE wanted.name IN (SELECT name FROM pg_settings)',
    );
  });

  it("leaves out what the URL's options set, and is undefined when the URL sets everything", () => {
    const sql = sessionGuardStatement(new Map([['idle_session_timeout', '10min']]));
    expect(sql).not.toContain("'idle_session_timeout'");
    expect(sql).toContain("'idle_in_transaction_session_timeout'");
    const all = new Map([
      ['idle_session_timeout', '1'],
      ['idle_in_transaction_session_timeout', '1'],
      ['client_connection_check_interval', '0'],
    ]);
    expect(sessionGuardStatement(all)).toBeUndefined();
  });
});
