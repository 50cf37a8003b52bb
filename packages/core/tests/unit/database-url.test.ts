import { describe, expect, it } from 'vitest';
import { redactSecrets, redactUrl, urlScheme } from '../../src/config/database-url.js';

describe('database URLs', () => {
  it('finds the dialect, ignoring a SQLAlchemy driver suffix', () => {
    expect(urlScheme('sqlite:///cloudguard.db')).toBe('sqlite');
    expect(urlScheme('postgresql+psycopg2://u:p@h/db')).toBe('postgresql');
    expect(() => urlScheme('cloudguard.db')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it('never shows a password', () => {
    expect(redactUrl('postgresql://app:s3cr%40t@db:5432/cg')).toBe('postgresql://app:***@db:5432/cg');
    expect(redactUrl('postgresql://app@db/cg')).toBe('postgresql://app@db/cg');
    expect(redactUrl('sqlite:///x.db')).toBe('sqlite:///x.db');
    const text = 'password authentication failed for app:s3cr%40t (s3cr@t) at postgresql://app:s3cr%40t@db:5432/cg';
    const redacted = redactSecrets(text, ['postgresql://app:s3cr%40t@db:5432/cg']);
    expect(redacted).not.toContain('s3cr');
    expect(redacted).toContain('postgresql://app:***@db:5432/cg');
  });

  it('keeps the password out of the error for a URL it cannot parse', () => {
    expect(() => urlScheme('://app:hunter2@db')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });
});
