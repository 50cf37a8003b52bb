import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: 'a1f3c2',
  downRevision: null,
  message: 'Create scans',
  async up(op) {
    await op.execute(
      'CREATE TABLE scans (id INTEGER PRIMARY KEY, account VARCHAR(64) NOT NULL, started_at VARCHAR(32) NOT NULL)',
    );
  },
  async down(op) {
    await op.execute('DROP TABLE scans');
  },
} satisfies Migration;
