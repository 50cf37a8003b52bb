import { describe, expect, it } from 'vitest';
import { formatFileName, slugify } from '../../src/script/file-template.js';

describe('file names', () => {
  it('formats the default template like Alembic', () => {
    expect(
      formatFileName('%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s', {
        rev: '000001',
        slug: 'initial_schema',
        date: new Date('2024-11-16T08:05:09Z'),
      }),
    ).toBe('20241116_000001_initial_schema');
  });

  it('supports widths, hours and a literal percent', () => {
    expect(
      formatFileName('%(hour)02d%(minute)02d%(second)02d_%(epoch)d_%%', { rev: 'a', slug: 's', date: new Date('2024-11-16T08:05:09Z') }),
    ).toBe('080509_1731744309_%');
  });

  it('rejects unknown tokens by name', () => {
    expect(() => formatFileName('%(nope)s', { rev: 'a', slug: 's', date: new Date() })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining("unknown token '%(nope)'") }),
    );
  });

  it('slugifies messages as Alembic does, cutting long ones at a word', () => {
    expect(slugify('Add user table')).toBe('add_user_table');
    expect(slugify('Add scan-duration (ms) to scans!')).toBe('add_scan_duration_ms_to_scans');
    expect(slugify('a very long message that keeps going well past forty characters')).toBe('a_very_long_message_that_keeps_going_');
  });
});
