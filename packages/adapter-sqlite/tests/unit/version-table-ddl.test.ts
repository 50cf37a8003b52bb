import { describe, expect, it } from 'vitest';

import { versionTableDdl } from '../../src/sqlite-store-dialect.js';
import { ALEMBIC_DDL } from '../support/alembic.js';

describe('versionTableDdl', () => {
  it("is SQLAlchemy's CREATE TABLE for Alembic's version table", () => {
    expect(versionTableDdl({ name: 'alembic_version' })).toBe(ALEMBIC_DDL.trim());
  });

  it('adds IF NOT EXISTS on request', () => {
    expect(versionTableDdl({ name: 'alembic_version' }, true)).toMatch(/^CREATE TABLE IF NOT EXISTS alembic_version \(\n/);
  });

  it('quotes names exactly where SQLAlchemy does', () => {
    expect(versionTableDdl({ name: 'Versions' })).toContain('CREATE TABLE "Versions" (');
    expect(versionTableDdl({ name: 'Versions' })).toContain('CONSTRAINT "Versions_pkc" PRIMARY KEY');
    // a reserved word, but `order_pkc` is not one
    expect(versionTableDdl({ name: 'order' })).toContain('CREATE TABLE "order" (');
    expect(versionTableDdl({ name: 'order' })).toContain('CONSTRAINT order_pkc PRIMARY KEY');
    expect(versionTableDdl({ name: 'app-versions' })).toContain('CREATE TABLE "app-versions" (');
    expect(versionTableDdl({ name: '1st' })).toContain('CREATE TABLE "1st" (');
    expect(versionTableDdl({ name: 'say "hi"' })).toContain('CREATE TABLE "say ""hi""" (');
    expect(versionTableDdl({ name: 'app_versions$2' })).toContain('CREATE TABLE app_versions$2 (');
  });

  it('prefixes an attached schema', () => {
    expect(versionTableDdl({ name: 'alembic_version', schema: 'main' })).toContain('CREATE TABLE main.alembic_version (');
  });
});
