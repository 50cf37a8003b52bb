/**
 * CloudGuard-Anomaly's model as MikroORM 7 entities: the schema the migrations in
 * migrations/versions build (000001, then 000002's alert acknowledgement). Column
 * types are spelled as the migrations spell them, so that `cgmigrate check` finds no
 * difference on SQLite and PostgreSQL alike.
 */
import { defineEntity, p } from '@mikro-orm/core';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];

const id = () => p.string().primary().columnType('varchar(36)');
const createdAt = () => p.datetime().columnType('timestamp').defaultRaw('current_timestamp');

export const CloudAccount = defineEntity({
  name: 'CloudAccount',
  tableName: 'cloud_accounts',
  uniques: [{ name: 'uq_cloud_accounts_provider_identifier', properties: ['provider', 'accountIdentifier'] }],
  properties: {
    id: id(),
    provider: p.enum(['aws', 'azure', 'gcp']).columnType('varchar(16)'),
    accountIdentifier: p.string().columnType('varchar(128)'),
    name: p.string().columnType('varchar(255)'),
    environment: p.string().columnType('varchar(32)').default('production'),
    isActive: p.boolean().columnType('boolean').default(true),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
});

export const Scan = defineEntity({
  name: 'Scan',
  tableName: 'scans',
  indexes: [{ name: 'ix_scans_account_started', properties: ['account', 'startedAt'] }],
  properties: {
    id: id(),
    account: () => p.manyToOne(CloudAccount).fieldName('account_id').index(false).deleteRule('cascade'),
    status: p.enum(['pending', 'running', 'completed', 'failed']).columnType('varchar(16)').default('pending'),
    startedAt: p.datetime().columnType('timestamp').nullable(),
    completedAt: p.datetime().columnType('timestamp').nullable(),
    resourcesScanned: p.integer().default(0),
    findingsCount: p.integer().default(0),
    errorMessage: p.text().nullable(),
  },
});

export const Resource = defineEntity({
  name: 'Resource',
  tableName: 'resources',
  uniques: [{ name: 'uq_resources_account_identifier', properties: ['account', 'resourceIdentifier'] }],
  indexes: [{ name: 'ix_resources_type', properties: ['resourceType'] }],
  properties: {
    id: id(),
    account: () => p.manyToOne(CloudAccount).fieldName('account_id').index(false).deleteRule('cascade'),
    lastScan: () => p.manyToOne(Scan).fieldName('last_scan_id').nullable().index(false).deleteRule('set null'),
    resourceType: p.string().columnType('varchar(128)'),
    resourceIdentifier: p.string().columnType('varchar(512)'),
    region: p.string().columnType('varchar(64)').nullable(),
    name: p.string().columnType('varchar(255)').nullable(),
    tags: p.text().default('{}'),
    configuration: p.text().default('{}'),
    firstSeenAt: createdAt(),
    lastSeenAt: createdAt(),
  },
});

export const Policy = defineEntity({
  name: 'Policy',
  tableName: 'policies',
  properties: {
    id: id(),
    name: p.string().columnType('varchar(255)').unique('uq_policies_name'),
    description: p.text().nullable(),
    severity: p.enum(SEVERITIES).columnType('varchar(16)'),
    resourceType: p.string().columnType('varchar(128)'),
    rule: p.text(),
    enabled: p.boolean().columnType('boolean').default(true),
    createdAt: createdAt(),
  },
});

export const AnomalyFinding = defineEntity({
  name: 'AnomalyFinding',
  tableName: 'anomaly_findings',
  indexes: [
    { name: 'ix_anomaly_findings_severity_status', properties: ['severity', 'status'] },
    { name: 'ix_anomaly_findings_resource', properties: ['resource'] },
  ],
  properties: {
    id: id(),
    scan: () => p.manyToOne(Scan).fieldName('scan_id').index(false).deleteRule('cascade'),
    resource: () => p.manyToOne(Resource).fieldName('resource_id').index(false).deleteRule('cascade'),
    policy: () => p.manyToOne(Policy).fieldName('policy_id').nullable().index(false).deleteRule('set null'),
    anomalyType: p.string().columnType('varchar(64)'),
    severity: p.enum(SEVERITIES).columnType('varchar(16)'),
    title: p.string().columnType('varchar(255)'),
    description: p.text().nullable(),
    riskScore: p.double().columnType('double precision').default(0),
    status: p.enum(['open', 'resolved', 'suppressed']).columnType('varchar(16)').default('open'),
    detectedAt: createdAt(),
    resolvedAt: p.datetime().columnType('timestamp').nullable(),
  },
});

export const Alert = defineEntity({
  name: 'Alert',
  tableName: 'alerts',
  indexes: [
    { name: 'ix_alerts_status', properties: ['status'] },
    { name: 'ix_alerts_acknowledged_at', properties: ['acknowledgedAt'] },
  ],
  properties: {
    id: id(),
    finding: () => p.manyToOne(AnomalyFinding).fieldName('finding_id').index(false).deleteRule('cascade'),
    channel: p.enum(['email', 'slack', 'pagerduty', 'webhook']).columnType('varchar(32)'),
    destination: p.string().columnType('varchar(512)'),
    status: p.enum(['pending', 'sent', 'failed']).columnType('varchar(16)').default('pending'),
    sentAt: p.datetime().columnType('timestamp').nullable(),
    createdAt: createdAt(),
    // 000002: alert acknowledgement
    acknowledgedBy: p.string().columnType('varchar(255)').nullable(),
    acknowledgedAt: p.datetime().columnType('timestamp').nullable(),
  },
});

/** Every entity of the service: what `entities` in cgmigrate.config.ts lists. */
export const entities = [CloudAccount, Scan, Resource, Policy, AnomalyFinding, Alert];
