/**
 * Renders a {@link SchemaComparison}: each change as one line for people, the
 * statements as the body of a migration's `up` and `down`, and the review notes an
 * author must read. Pure functions of data.
 *
 * @packageDocumentation
 */

import type { SchemaChange, SchemaCheckQuery, SchemaObjectType } from '../adapter/schema-change.js';

const OBJECT_NAMES: Readonly<Record<SchemaObjectType, string>> = {
  schema: 'schema',
  enum: 'enum type',
  table: 'table',
  column: 'column',
  primary_key: 'primary key',
  index: 'index',
  unique: 'unique constraint',
  foreign_key: 'foreign key',
  check: 'check constraint',
  view: 'view',
  trigger: 'trigger',
  sequence: 'sequence',
  function: 'function',
};

const ACTION_WORDS = { add: 'added', remove: 'removed', modify: 'changed', rename: 'renamed' } as const;

/**
 * One line for a change, in Alembic's words ("Detected added column 'user.email'").
 *
 * ### Examples
 * ```ts
 * describeChange({ action: 'modify', object: 'column', table: 'user', name: 'name',
 *   details: [{ property: 'nullable', from: 'not null', to: 'null' }] });
 * // "Detected changed column 'user.name': nullable not null -> null"
 * ```
 */
export function describeChange(change: SchemaChange): string {
  const what = `${ACTION_WORDS[change.action]} ${OBJECT_NAMES[change.object]}`;
  const name =
    change.object === 'column' && change.table !== undefined ? `'${change.table}.${change.name}'` : `'${change.name}'`;
  const where = change.table !== undefined && change.object !== 'column' && change.object !== 'table' ? ` on '${change.table}'` : '';
  const renamed = change.action === 'rename' && change.from !== undefined ? ` (was '${change.from}')` : '';
  return `Detected ${what} ${name}${where}${renamed}${describeDetails(change)}`;
}

function describeDetails(change: SchemaChange): string {
  if (change.details.length === 0 || change.object === 'table' && change.action === 'add') return '';
  const parts = change.details.map((detail) => {
    if (change.action === 'modify' && (change.object === 'column' || change.object === 'table')) {
      return `${detail.property} ${detail.from ?? '(none)'} -> ${detail.to ?? '(none)'}`;
    }
    if (detail.property === 'definition' || detail.property === 'columns' || detail.property === 'references') {
      return detail.to ?? '';
    }
    return `${detail.property} ${detail.to ?? '(none)'}`;
  });
  return `: ${parts.join(', ')}`;
}

/**
 * What a comparator cannot know and the author must decide: a column (or table)
 * that disappeared while another appeared may be a rename, which the generated
 * drop-and-add would turn into lost data; and a rename the comparator inferred
 * from identical definitions may in fact be a drop and an add.
 *
 * ### Examples
 * ```ts
 * reviewNotes([{ action: 'remove', object: 'column', table: 'user', name: 'fullname', details: [] },
 *              { action: 'add', object: 'column', table: 'user', name: 'full_name', details: [] }]);
 * // ["Column 'user.fullname' is dropped and 'user.full_name' added: if this is a rename, …"]
 * ```
 */
export function reviewNotes(changes: readonly SchemaChange[]): string[] {
  const notes: string[] = [];
  const byTable = new Map<string, { added: string[]; removed: string[] }>();
  for (const change of changes) {
    if (change.object !== 'column' || change.table === undefined) continue;
    const entry = byTable.get(change.table) ?? { added: [], removed: [] };
    byTable.set(change.table, entry);
    if (change.action === 'add') entry.added.push(change.name);
    if (change.action === 'remove') entry.removed.push(change.name);
    if (change.action === 'rename') {
      notes.push(
        `Column '${change.table}.${change.from ?? '?'}' is renamed to '${change.name}' because both have the same definition: ` +
          'check that it is a rename and not a column dropped while another is added.',
      );
    }
  }
  for (const [table, { added, removed }] of byTable) {
    if (added.length === 0 || removed.length === 0) continue;
    notes.push(
      `${plural(removed, 'Column')} ${list(removed.map((name) => `${table}.${name}`))} ${removed.length === 1 ? 'is' : 'are'} dropped and ` +
        `${list(added.map((name) => `${table}.${name}`))} added: if this is a rename, replace the drop and the add with ` +
        'a rename (op.alterColumn(…, { name }), or ALTER TABLE … RENAME COLUMN …) in up() and down(), or the data in the column is lost.',
    );
  }
  for (const change of changes) {
    if (change.object !== 'column' || change.action !== 'add') continue;
    const definition = change.details.find((detail) => detail.property === 'definition')?.to ?? '';
    if (!/\bnot null\b/.test(definition) || /\bdefault\b/.test(definition)) continue;
    notes.push(
      `Column '${change.table ?? '?'}.${change.name}' is added NOT NULL without a default: on a table that has rows the ` +
        'migration fails. Give it a default, or add it nullable, fill it, and make it NOT NULL in a later migration.',
    );
  }
  const addedTables = changes.filter((c) => c.object === 'table' && c.action === 'add').map((c) => c.name);
  const removedTables = changes.filter((c) => c.object === 'table' && c.action === 'remove').map((c) => c.name);
  if (addedTables.length > 0 && removedTables.length > 0) {
    notes.push(
      `${plural(removedTables, 'Table')} ${list(removedTables)} ${removedTables.length === 1 ? 'is' : 'are'} dropped and ${list(addedTables)} created: ` +
        'if this is a rename, replace the drop and the create with a rename (op.renameTable, or ALTER TABLE … RENAME TO …) in up() and down(), or the data is lost.',
    );
  }
  return notes;
}

function plural(items: readonly string[], word: string): string {
  return items.length === 1 ? word : `${word}s`;
}

function list(items: readonly string[]): string {
  return items.map((item) => `'${item}'`).join(', ');
}

/**
 * The body of a migration function: the review notes as comments, the checks that must
 * hold before the statements, one `await op.execute(…)` per statement, then the checks
 * that must hold after them. Indented for the revision template's `{{ upgrades }}`.
 *
 * ### Examples
 * ```ts
 * renderOperations(['create table `user` (`id` integer not null primary key)'], []);
 * // "    await op.execute('create table `user` (`id` integer not null primary key)');"
 * ```
 */
export function renderOperations(
  statements: readonly string[],
  notes: readonly string[],
  indent = '    ',
  checks: readonly SchemaCheckQuery[] = [],
): string {
  const lines: string[] = reviewComment(notes, indent);
  for (const check of checks.filter((check) => check.when === 'before')) lines.push(...renderCheck(check, indent));
  for (const statement of statements) lines.push(`${indent}await op.execute(${stringLiteral(statement)});`);
  for (const check of checks.filter((check) => check.when !== 'before')) lines.push(...renderCheck(check, indent));
  return lines.join('\n');
}

/**
 * The review notes as the comment autogenerate writes at the top of a migration's
 * upgrade: a heading line, then each note wrapped at 110 columns (no lines for no notes). Adapters that write
 * migration files of their own format (`MigrationClassSupport.renderMigrationFile`)
 * use it so that every format says it alike.
 *
 * ### Examples
 * ```ts
 * reviewComment(["Table 'user' is rebuilt."], '    ');
 * // ['    // REVIEW: cgmigrate autogenerate could not decide the following; check them before running this migration.',
 * //  "    // - Table 'user' is rebuilt."]
 * ```
 */
export function reviewComment(notes: readonly string[], indent = '    '): string[] {
  if (notes.length === 0) return [];
  const lines = [`${indent}// REVIEW: cgmigrate autogenerate could not decide the following; check them before running this migration.`];
  for (const note of notes) lines.push(...wrapComment(`- ${note}`, indent, '//   '));
  return lines;
}

/** A block that runs the check's query and throws its failure, with the rows, when it returns any. */
function renderCheck(check: SchemaCheckQuery, indent: string): string[] {
  const inner = `${indent}  `;
  return [
    `${indent}{`,
    ...wrapComment(check.comment, inner, '// '),
    `${inner}const rows = await op.query(${stringLiteral(check.query)});`,
    `${inner}if (rows.length > 0) throw new Error(${stringLiteral(`${check.failure} `)} + JSON.stringify(rows));`,
    `${indent}}`,
  ];
}

function wrapComment(text: string, indent: string, continuation: string, width = 110): string[] {
  const lines: string[] = [];
  let line = `${indent}// `;
  for (const word of text.split(/\s+/)) {
    if (line.length + word.length + 1 > width && line.trim() !== '//' && line.trim() !== continuation.trim()) {
      lines.push(line.trimEnd());
      line = `${indent}${continuation}`;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines;
}

/**
 * A JavaScript string literal for a statement: single quotes, or a template literal
 * when the statement holds single quotes (SQL string literals) but nothing a template
 * would interpret.
 */
export function stringLiteral(text: string): string {
  if (text.includes("'") && !/[`\\]|\$\{/.test(text)) return `\`${text}\``;
  return singleQuotedLiteral(text);
}

/**
 * A single-quoted JavaScript string literal for any text: the backslash, the quote and
 * every line terminator escaped, so that it stays one line of code.
 *
 * ### Examples
 * ```ts
 * singleQuotedLiteral("it's\n") // "'it\\'s\\n'"
 * ```
 */
export function singleQuotedLiteral(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
  return `'${escaped}'`;
}
