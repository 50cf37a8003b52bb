import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: 'b7d9e4',
  downRevision: 'a1f3c2',
  message: 'Add scan findings',
  async up(op) {
    await op.execute(
      'CREATE TABLE findings (id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans (id), severity VARCHAR(16) NOT NULL)',
    );
    await op.execute('CREATE INDEX findings_scan_ix ON findings (scan_id)');
  },
  async down(op) {
    await op.execute('DROP TABLE findings');
  },
} satisfies Migration;
