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
    // A named unique constraint: SQLite keeps no name for one, so there it is a named unique index.
    const unique = (name: string, table: string, columns: string) =>
      op.dialect === 'sqlite'
        ? `CREATE UNIQUE INDEX ${name} ON ${table} (${columns})`
        : `ALTER TABLE ${table} ADD CONSTRAINT ${name} UNIQUE (${columns})`;

    await op.execute(`
      CREATE TABLE cloud_accounts (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        provider VARCHAR(16) NOT NULL CHECK (provider IN ('aws', 'azure', 'gcp')),
        account_identifier VARCHAR(128) NOT NULL,
        name VARCHAR(255) NOT NULL,
        environment VARCHAR(32) NOT NULL DEFAULT 'production',
        is_active BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
        updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);
    await op.execute(unique('uq_cloud_accounts_provider_identifier', 'cloud_accounts', 'provider, account_identifier'));

    await op.execute(`
      CREATE TABLE scans (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        account_id VARCHAR(36) NOT NULL CONSTRAINT scans_account_id_foreign REFERENCES cloud_accounts (id) ON DELETE CASCADE,
        status VARCHAR(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'running', 'completed', 'failed')),
        started_at TIMESTAMP,
        completed_at TIMESTAMP,
        resources_scanned INTEGER NOT NULL DEFAULT 0,
        findings_count INTEGER NOT NULL DEFAULT 0,
        error_message TEXT
      )`);
    await op.execute('CREATE INDEX ix_scans_account_started ON scans (account_id, started_at)');

    await op.execute(`
      CREATE TABLE resources (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        account_id VARCHAR(36) NOT NULL CONSTRAINT resources_account_id_foreign REFERENCES cloud_accounts (id) ON DELETE CASCADE,
        last_scan_id VARCHAR(36) CONSTRAINT resources_last_scan_id_foreign REFERENCES scans (id) ON DELETE SET NULL,
        resource_type VARCHAR(128) NOT NULL,
        resource_identifier VARCHAR(512) NOT NULL,
        region VARCHAR(64),
        name VARCHAR(255),
        tags TEXT NOT NULL DEFAULT '{}',
        configuration TEXT NOT NULL DEFAULT '{}',
        first_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
        last_seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);
    await op.execute(unique('uq_resources_account_identifier', 'resources', 'account_id, resource_identifier'));
    await op.execute('CREATE INDEX ix_resources_type ON resources (resource_type)');

    await op.execute(`
      CREATE TABLE policies (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        name VARCHAR(255) NOT NULL,
        description TEXT,
        severity VARCHAR(16) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        resource_type VARCHAR(128) NOT NULL,
        rule TEXT NOT NULL,
        enabled BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);
    await op.execute(unique('uq_policies_name', 'policies', 'name'));

    await op.execute(`
      CREATE TABLE anomaly_findings (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        scan_id VARCHAR(36) NOT NULL CONSTRAINT anomaly_findings_scan_id_foreign REFERENCES scans (id) ON DELETE CASCADE,
        resource_id VARCHAR(36) NOT NULL CONSTRAINT anomaly_findings_resource_id_foreign REFERENCES resources (id) ON DELETE CASCADE,
        policy_id VARCHAR(36) CONSTRAINT anomaly_findings_policy_id_foreign REFERENCES policies (id) ON DELETE SET NULL,
        anomaly_type VARCHAR(64) NOT NULL,
        severity VARCHAR(16) NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        title VARCHAR(255) NOT NULL,
        description TEXT,
        risk_score DOUBLE PRECISION NOT NULL DEFAULT 0,
        status VARCHAR(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'suppressed')),
        detected_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
        resolved_at TIMESTAMP
      )`);
    await op.execute('CREATE INDEX ix_anomaly_findings_severity_status ON anomaly_findings (severity, status)');
    await op.execute('CREATE INDEX ix_anomaly_findings_resource ON anomaly_findings (resource_id)');

    await op.execute(`
      CREATE TABLE alerts (
        id VARCHAR(36) NOT NULL PRIMARY KEY,
        finding_id VARCHAR(36) NOT NULL CONSTRAINT alerts_finding_id_foreign REFERENCES anomaly_findings (id) ON DELETE CASCADE,
        channel VARCHAR(32) NOT NULL CHECK (channel IN ('email', 'slack', 'pagerduty', 'webhook')),
        destination VARCHAR(512) NOT NULL,
        status VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
        sent_at TIMESTAMP,
        created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
      )`);
    await op.execute('CREATE INDEX ix_alerts_status ON alerts (status)');
  },

  async down(op) {
    for (const table of ['alerts', 'anomaly_findings', 'policies', 'resources', 'scans', 'cloud_accounts']) {
      await op.execute(`DROP TABLE ${table}`);
    }
  },
} satisfies Migration;
