/**
 * Add alert acknowledgement
 *
 * Revision ID: 000002
 * Revises: 000001
 * Create Date: 2024-12-03 09:30:00 UTC
 */
import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '000002',
  downRevision: '000001',
  branchLabels: null,
  dependsOn: null,
  message: 'Add alert acknowledgement',

  async up(op) {
    await op.execute('ALTER TABLE alerts ADD COLUMN acknowledged_by VARCHAR(255)');
    await op.execute('ALTER TABLE alerts ADD COLUMN acknowledged_at TIMESTAMP');
    await op.execute('CREATE INDEX ix_alerts_acknowledged_at ON alerts (acknowledged_at)');
  },

  async down(op) {
    await op.execute('DROP INDEX ix_alerts_acknowledged_at');
    await op.execute('ALTER TABLE alerts DROP COLUMN acknowledged_at');
    await op.execute('ALTER TABLE alerts DROP COLUMN acknowledged_by');
  },
} satisfies Migration;
