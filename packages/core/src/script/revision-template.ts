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

function literal(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

function listLiteral(ids: readonly string[]): string {
  if (ids.length === 0) return 'null';
  if (ids.length === 1) return literal(ids[0]!);
  return `[${ids.map(literal).join(', ')}]`;
}
