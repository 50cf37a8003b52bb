/**
 * Initial schema
 *
 * Revision ID: 000001
 * Revises:
 * Create Date: 2024-11-16 00:00:00 UTC
 */
import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '000001',
  downRevision: null,
  branchLabels: null,
  dependsOn: null,
  message: 'Initial schema',

  async up(op) {
    await op.createTable('cloud_accounts', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      provider: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false },
      account_identifier: { type: 'string', length: 128, nativeType: { sqlite: 'varchar(128)' }, nullable: false },
      name: { type: 'string', length: 255, nativeType: { sqlite: 'varchar(255)' }, nullable: false },
      environment: { type: 'string', length: 32, nativeType: { sqlite: 'varchar(32)' }, nullable: false, default: 'production' },
      is_active: { type: 'boolean', nativeType: { sqlite: 'boolean' }, nullable: false, default: true },
      created_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
      updated_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
    }, {
      uniques: [{ name: 'uq_cloud_accounts_provider_identifier', columns: ['provider', 'account_identifier'] }],
      checks: [{ name: 'cloud_accounts_provider_check', expression: `provider in ('aws', 'azure', 'gcp')`, column: 'provider' }],
    });

    await op.createTable('scans', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      account_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, nullable: false },
      status: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false, default: 'pending' },
      started_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' } },
      completed_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' } },
      resources_scanned: { type: 'integer', nullable: false, default: 0 },
      findings_count: { type: 'integer', nullable: false, default: 0 },
      error_message: { type: 'text' },
    }, {
      indexes: [{ name: 'ix_scans_account_started', columns: ['account_id', 'started_at'] }],
      foreignKeys: [
        { name: 'scans_account_id_foreign', columns: ['account_id'], referencedTable: 'cloud_accounts', referencedColumns: ['id'], onDelete: 'cascade' },
      ],
      checks: [{ name: 'scans_status_check', expression: `status in ('pending', 'running', 'completed', 'failed')`, column: 'status' }],
    });

    await op.createTable('resources', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      account_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, nullable: false },
      last_scan_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' } },
      resource_type: { type: 'string', length: 128, nativeType: { sqlite: 'varchar(128)' }, nullable: false },
      resource_identifier: { type: 'string', length: 512, nativeType: { sqlite: 'varchar(512)' }, nullable: false },
      region: { type: 'string', length: 64, nativeType: { sqlite: 'varchar(64)' } },
      name: { type: 'string', length: 255, nativeType: { sqlite: 'varchar(255)' } },
      tags: { type: 'text', nullable: false, default: '{}' },
      configuration: { type: 'text', nullable: false, default: '{}' },
      first_seen_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
      last_seen_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
    }, {
      indexes: [{ name: 'ix_resources_type', columns: ['resource_type'] }],
      uniques: [{ name: 'uq_resources_account_identifier', columns: ['account_id', 'resource_identifier'] }],
      foreignKeys: [
        { name: 'resources_account_id_foreign', columns: ['account_id'], referencedTable: 'cloud_accounts', referencedColumns: ['id'], onDelete: 'cascade' },
        { name: 'resources_last_scan_id_foreign', columns: ['last_scan_id'], referencedTable: 'scans', referencedColumns: ['id'], onDelete: 'set null' },
      ],
    });

    await op.createTable('policies', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      name: { type: 'string', length: 255, nativeType: { sqlite: 'varchar(255)' }, nullable: false },
      description: { type: 'text' },
      severity: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false },
      resource_type: { type: 'string', length: 128, nativeType: { sqlite: 'varchar(128)' }, nullable: false },
      rule: { type: 'text', nullable: false },
      enabled: { type: 'boolean', nativeType: { sqlite: 'boolean' }, nullable: false, default: true },
      created_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
    }, {
      uniques: [{ name: 'uq_policies_name', columns: ['name'] }],
      checks: [{ name: 'policies_severity_check', expression: `severity in ('low', 'medium', 'high', 'critical')`, column: 'severity' }],
    });

    await op.createTable('anomaly_findings', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      scan_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, nullable: false },
      resource_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, nullable: false },
      policy_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' } },
      anomaly_type: { type: 'string', length: 64, nativeType: { sqlite: 'varchar(64)' }, nullable: false },
      severity: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false },
      title: { type: 'string', length: 255, nativeType: { sqlite: 'varchar(255)' }, nullable: false },
      description: { type: 'text' },
      risk_score: { type: 'double', nativeType: { sqlite: 'double precision' }, nullable: false, default: 0 },
      status: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false, default: 'open' },
      detected_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
      resolved_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' } },
    }, {
      indexes: [
        { name: 'ix_anomaly_findings_severity_status', columns: ['severity', 'status'] },
        { name: 'ix_anomaly_findings_resource', columns: ['resource_id'] },
      ],
      foreignKeys: [
        { name: 'anomaly_findings_scan_id_foreign', columns: ['scan_id'], referencedTable: 'scans', referencedColumns: ['id'], onDelete: 'cascade' },
        { name: 'anomaly_findings_resource_id_foreign', columns: ['resource_id'], referencedTable: 'resources', referencedColumns: ['id'], onDelete: 'cascade' },
        { name: 'anomaly_findings_policy_id_foreign', columns: ['policy_id'], referencedTable: 'policies', referencedColumns: ['id'], onDelete: 'set null' },
      ],
      checks: [
        { name: 'anomaly_findings_severity_check', expression: `severity in ('low', 'medium', 'high', 'critical')`, column: 'severity' },
        { name: 'anomaly_findings_status_check', expression: `status in ('open', 'resolved', 'suppressed')`, column: 'status' },
      ],
    });

    await op.createTable('alerts', {
      id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, primaryKey: true },
      finding_id: { type: 'string', length: 36, nativeType: { sqlite: 'varchar(36)' }, nullable: false },
      channel: { type: 'string', length: 32, nativeType: { sqlite: 'varchar(32)' }, nullable: false },
      destination: { type: 'string', length: 512, nativeType: { sqlite: 'varchar(512)' }, nullable: false },
      status: { type: 'string', length: 16, nativeType: { sqlite: 'varchar(16)' }, nullable: false, default: 'pending' },
      sent_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' } },
      created_at: { type: 'datetime', nativeType: { sqlite: 'timestamp' }, nullable: false, default: { sql: 'current_timestamp' } },
    }, {
      indexes: [{ name: 'ix_alerts_status', columns: ['status'] }],
      foreignKeys: [
        { name: 'alerts_finding_id_foreign', columns: ['finding_id'], referencedTable: 'anomaly_findings', referencedColumns: ['id'], onDelete: 'cascade' },
      ],
      checks: [
        { name: 'alerts_channel_check', expression: `channel in ('email', 'slack', 'pagerduty', 'webhook')`, column: 'channel' },
        { name: 'alerts_status_check', expression: `status in ('pending', 'sent', 'failed')`, column: 'status' },
      ],
    });
  },

  async down(op) {
    await op.dropTable('alerts');
    await op.dropTable('anomaly_findings');
    await op.dropTable('policies');
    await op.dropTable('resources');
    await op.dropTable('scans');
    await op.dropTable('cloud_accounts');
  },
} satisfies Migration;
