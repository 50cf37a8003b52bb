/**
 * What Alembic's version table looks like in `information_schema` once SQLAlchemy has
 * created it on PostgreSQL (`Table('alembic_version', Column('version_num', String(32),
 * nullable=False), PrimaryKeyConstraint('version_num', name='alembic_version_pkc'))`).
 */
export const ALEMBIC_COLUMNS = [
  { column_name: 'version_num', data_type: 'character varying', character_maximum_length: 32, is_nullable: 'NO', column_default: null },
];

/** SQLAlchemy's DDL for that table, as Alembic sends it to PostgreSQL. */
export const ALEMBIC_DDL =
  '\nCREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n' +
  '\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n\n';
