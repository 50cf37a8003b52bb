/**
 * What SQLAlchemy's DDL compiler emits for Alembic's `version_table_impl()` on SQLite
 * (`CreateTable(...)` of `Table('alembic_version', Column('version_num', String(32),
 * nullable=False), PrimaryKeyConstraint('version_num', name='alembic_version_pkc'))`).
 */
export const ALEMBIC_DDL =
  '\nCREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n' +
  '\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n\n';
