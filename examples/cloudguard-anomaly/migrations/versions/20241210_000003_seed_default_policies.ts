/**
 * Seed default policies
 *
 * Revision ID: 000003
 * Revises: 000002
 * Create Date: 2024-12-10 14:00:00 UTC
 */
import type { Migration } from '@cloudguard/migrate-core';

const DEFAULT_POLICIES = [
  {
    id: '5b0c1a0e-7a51-4f6e-9d2a-0c2f3e8a1b01',
    name: 'public-s3-bucket',
    description: 'S3 bucket readable by anyone',
    severity: 'critical',
    resource_type: 'aws:s3:bucket',
    rule: 'acl.grants[*].grantee == "AllUsers"',
  },
  {
    id: '5b0c1a0e-7a51-4f6e-9d2a-0c2f3e8a1b02',
    name: 'open-ssh-security-group',
    description: 'Security group allowing SSH from 0.0.0.0/0',
    severity: 'high',
    resource_type: 'aws:ec2:security-group',
    rule: 'ingress[*].port == 22 && ingress[*].cidr == "0.0.0.0/0"',
  },
  {
    id: '5b0c1a0e-7a51-4f6e-9d2a-0c2f3e8a1b03',
    name: 'unencrypted-disk',
    description: 'Managed disk without encryption at rest',
    severity: 'medium',
    resource_type: 'azure:compute:disk',
    rule: 'encryption.type == "None"',
  },
];

export default {
  revision: '000003',
  downRevision: '000002',
  branchLabels: null,
  dependsOn: null,
  message: 'Seed default policies',

  async up(op) {
    await op.bulkInsert('policies', DEFAULT_POLICIES);
  },

  async down(op) {
    for (const policy of DEFAULT_POLICIES) {
      await op.execute('DELETE FROM policies WHERE id = ?', [policy.id]);
    }
  },
} satisfies Migration;
