import { ConfigInvalidError } from '../errors.js';

/** File name of the revision template inside the script location (Alembic's `script.py.mako`). */
export const REVISION_TEMPLATE_FILE = 'script.ts.tmpl';

/**
 * The template `init` writes and `revision` falls back to. Placeholders are
 * `{{ name }}`; each value is already valid TypeScript where it stands.
 */
export const DEFAULT_REVISION_TEMPLATE = `/**
 * {{ message }}
 *
 * Revision ID: {{ revisionId }}
 * Revises: {{ revises }}
 * Create Date: {{ createDate }}
 */
import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: {{ revision }},
  downRevision: {{ downRevision }},
  branchLabels: {{ branchLabels }},
  dependsOn: {{ dependsOn }},
  message: {{ messageLiteral }},

  async up(op) {
{{ upgrades }}
  },

  async down(op) {
{{ downgrades }}
  },
} satisfies Migration;
`;

/** Everything a revision template can use. */
export interface RevisionTemplateValues {
  readonly revision: string;
  readonly downRevisions: readonly string[];
  readonly branchLabels: readonly string[];
  readonly dependsOn: readonly string[];
  readonly message: string;
  readonly createDate: Date;
  /** Body of `up`, already indented; a placeholder comment when empty. */
  readonly upgrades?: string | undefined;
  /** Body of `down`, already indented; a placeholder comment when empty. */
  readonly downgrades?: string | undefined;
  /**
   * False for a migration that must run outside a transaction (`CREATE INDEX
   * CONCURRENTLY`): `transactional: false,` is written on a line of its own after the
   * template's `message` line (else its `downRevision` line). Default true, which writes
   * nothing: a migration is transactional unless it says otherwise.
   */
  readonly transactional?: boolean | undefined;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/**
 * Renders a revision template.
 *
 * ### Examples
 * ```ts
 * renderRevisionTemplate(DEFAULT_REVISION_TEMPLATE, { revision: 'ae1027a6acf', downRevisions: [], … })
 * ```
 * @throws {ConfigInvalidError} when the template uses a placeholder that does not exist.
 */
export function renderRevisionTemplate(template: string, values: RevisionTemplateValues, templatePath?: string): string {
  if (values.transactional === false) template = withNonTransactionalLine(template, templatePath);
  const replacements: Record<string, string> = {
    revision: literal(values.revision),
    revisionId: values.revision,
    downRevision: listLiteral(values.downRevisions),
    revises: values.downRevisions.join(', '),
    branchLabels: listLiteral(values.branchLabels),
    dependsOn: listLiteral(values.dependsOn),
    message: values.message.replaceAll('*/', '*\\/'),
    messageLiteral: literal(values.message),
    createDate: `${values.createDate.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`,
    upgrades: values.upgrades?.trimEnd() || '    // Write the upgrade here, e.g. await op.execute(\'CREATE TABLE …\');',
    downgrades: values.downgrades?.trimEnd() || '    // Undo the upgrade here, e.g. await op.execute(\'DROP TABLE …\');',
  };
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const value = replacements[name];
    if (value === undefined) {
      throw new ConfigInvalidError(
        templatePath,
        `the revision template uses an unknown placeholder {{ ${name} }} (known: ${Object.keys(replacements).join(', ')})`,
      );
    }
    return value;
  });
}

/**
 * The template with a `transactional: false,` line after the property line of the
 * migration's message (else of its `downRevision`), indented as that line is. Such a line
 * ends with a comma; a template written otherwise cannot take the property there.
 *
 * @throws {ConfigInvalidError} when the template has no such line.
 */
function withNonTransactionalLine(template: string, templatePath: string | undefined): string {
  const lines = template.split('\n');
  const after = (placeholder: RegExp): number =>
    lines.findIndex((line) => placeholder.test(line) && /^\s*\w+\s*:\s*\{\{\s*\w+\s*\}\}\s*,\s*$/.test(line));
  let at = after(/\{\{\s*messageLiteral\s*\}\}/);
  if (at === -1) at = after(/\{\{\s*downRevision\s*\}\}/);
  if (at === -1) {
    throw new ConfigInvalidError(
      templatePath,
      'the revision template has no line such as `downRevision: {{ downRevision }},` after which `transactional: false,` can go, ' +
        'which a migration that builds indexes concurrently needs; put the property on a line of its own',
    );
  }
  const line = lines[at]!;
  const indent = /^[ \t]*/.exec(line)![0];
  lines.splice(at + 1, 0, `${indent}transactional: false,${line.endsWith('\r') ? '\r' : ''}`);
  return lines.join('\n');
}

function literal(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

function listLiteral(ids: readonly string[]): string {
  if (ids.length === 0) return 'null';
  if (ids.length === 1) return literal(ids[0]!);
  return `[${ids.map(literal).join(', ')}]`;
}
