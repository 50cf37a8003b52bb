/**
 * Migrations' statements that between them read into every kind of SQLite statement
 * fact, through every path of the reading (keywords, either grammar, the head of a
 * statement neither grammar reads, the unreadable), and trigger every rule: what the
 * statement cache's tests lint cold, warm and without a cache.
 */
export const STATEMENT_CORPUS: readonly (readonly string[])[] = [
  ['DROP TABLE IF EXISTS main.scans', 'DROP VIEW recent_scans'],
  ['ALTER TABLE scans DROP COLUMN note'],
  ['ALTER TABLE scans ADD COLUMN scratch text', 'ALTER TABLE scans DROP COLUMN scratch'],
  ['DROP INDEX IF EXISTS ix_scans_host', 'DROP INDEX main.ix_scans_note'],
  ['CREATE INDEX ix_scratch ON scans (note)', 'DROP INDEX ix_scratch', 'CREATE UNIQUE INDEX IF NOT EXISTS app.ix_hosts ON hosts (name) WHERE name IS NOT NULL'],
  ['DELETE FROM scans', 'DELETE FROM scans WHERE 1', 'DELETE FROM scans WHERE finished_at < 1700000000', 'DELETE FROM scans LIMIT 1000'],
  ['UPDATE scans SET note = NULL', 'WITH stale AS (SELECT 1) UPDATE scans SET note = NULL', "UPDATE scans SET note = NULL WHERE note = ''", 'UPDATE scans SET host = hosts.name FROM hosts WHERE hosts.id = scans.host_id'],
  ['ALTER TABLE scans RENAME TO scan_runs', 'ALTER TABLE scans RENAME COLUMN host TO hostname'],
  ['CREATE TABLE staging (id integer)', 'ALTER TABLE staging RENAME TO imports'],
  [
    'ALTER TABLE scans ADD COLUMN owner text NOT NULL',
    'ALTER TABLE scans ADD owner_2 text NOT NULL DEFAULT NULL',
    "ALTER TABLE scans ADD COLUMN owner_3 text NOT NULL DEFAULT 'nobody'",
    'ALTER TABLE scans ADD COLUMN owner_4 text',
  ],
  ['COMMIT', 'BEGIN IMMEDIATE TRANSACTION', 'SAVEPOINT before_backfill', 'ROLLBACK TO SAVEPOINT before_backfill', 'RELEASE before_backfill', 'END'],
  ['ALTER TABLE scans ADD COLUMN reviewed integer', 'UPDATE scans SET reviewed = 0', 'INSERT INTO scan_archive SELECT * FROM scans', 'INSERT INTO scan_archive (id, host) SELECT id, upper(host) FROM scans'],
  ['PRAGMA foreign_keys = OFF', 'pragma main.foreign_keys=1', 'PRAGMA foreign_keys', 'PRAGMA table_info(scans)'],
  ['DROP TABLE imports', 'UPDATE scans\n  SET = 1', 'DELETE FROM scans'],
  ['ALTER TABLE scans RENAME TO scans_old', 'CREATE TABLE scans (id INTEGER PRIMARY KEY, host TEXT NOT NULL)', 'INSERT INTO scans SELECT id, host FROM scans_old', 'DROP TABLE scans_old'],
  ['CREATE TABLE new_scans (id INTEGER PRIMARY KEY, host TEXT, owner TEXT NOT NULL)', 'INSERT INTO new_scans (id, host) SELECT id, host FROM scans', 'DROP TABLE scans', 'ALTER TABLE new_scans RENAME TO scans'],
  ['SELECT 1', "PRAGMA foreign_keys=OFF;\nDROP TABLE imports; -- done\n"],
  ['CREATE TEMP TABLE scratch (id integer)', 'CREATE TABLE [audit log] ([entry id] integer PRIMARY KEY, [who] text NOT NULL)', 'DROP TABLE [audit log]'],
  ['CREATE TABLE links (a INTEGER, FOREIGN KEY (a) REFERENCES scans (id) DEFERRABLE INITIALLY DEFERRED)', 'INSERT INTO links (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a'],
  ['CREATE VIEW recent AS SELECT * FROM scans', 'CREATE TRIGGER stamp AFTER INSERT ON scans BEGIN UPDATE scans SET note = 1 WHERE id = new.id; END', 'DROP TRIGGER stamp'],
  ['VACUUM', 'ANALYZE', 'REINDEX scans'],
  ['ALTER TABLE scans DROP COLUMN note; ALTER TABLE scans ADD COLUMN flags integer NOT NULL DEFAULT 0'],
  ['ALTER TABLE scans ADD CONSTRAINT positive_id CHECK (id > 0)', 'UPDATE scans SET flags = 1'],
  ['this is not sql', 'CREATE TABLE broken (id integer'],
];
