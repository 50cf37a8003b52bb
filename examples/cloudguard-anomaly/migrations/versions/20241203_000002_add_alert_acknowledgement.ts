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
    await op.addColumn('alerts', 'acknowledged_by', { type: 'string', length: 255, nativeType: { sqlite: 'varchar(255)' } });
    await op.addColumn('alerts', 'acknowledged_at', { type: 'datetime', nativeType: { sqlite: 'timestamp' } });
    await op.createIndex('ix_alerts_acknowledged_at', 'alerts', ['acknowledged_at']);
  },

  async down(op) {
    await op.dropIndex('ix_alerts_acknowledged_at', 'alerts');
    await op.dropColumn('alerts', 'acknowledged_at');
    await op.dropColumn('alerts', 'acknowledged_by');
  },
} satisfies Migration;
