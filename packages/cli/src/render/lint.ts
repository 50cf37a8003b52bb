import { plain, type Paint } from './style.js';

import type { LintFinding } from '@cloudguard/migrate-core';

export type { LintFinding };

/** A finding's message on one line: output is read one finding per line. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * A finding as `cgmigrate lint` prints it in text: `<file>:<line> <RULE_ID> <message>`,
 * the form editors and terminals open at the line. The rule id is red for an error and
 * yellow for a warning when `paint` colours.
 *
 * ### Examples
 * ```ts
 * formatLintFinding({ ruleId: 'DROP_TABLE', severity: 'error', revision: '1a2b', file: 'migrations/versions/1a2b_drop_scans.ts', line: 7,
 *   message: 'DROP TABLE scans drops the table and its rows' })
 * // 'migrations/versions/1a2b_drop_scans.ts:7 DROP_TABLE DROP TABLE scans drops the table and its rows'
 * ```
 */
export function formatLintFinding(finding: LintFinding, paint: Paint = plain): string {
  const ruleId = paint(finding.severity === 'error' ? 'red' : 'yellow', finding.ruleId);
  return `${finding.file}:${finding.line} ${ruleId} ${oneLine(finding.message)}`;
}

/**
 * The last line of the text output: how many errors and warnings in how many revisions,
 * or that there were none.
 *
 * ### Examples
 * ```ts
 * formatLintSummary(findings, 3) // '2 errors, 1 warning in 3 revisions'
 * formatLintSummary([], 12)      // 'No findings in 12 revisions'
 * ```
 */
export function formatLintSummary(findings: readonly LintFinding[], revisions: number): string {
  const linted = `${revisions} ${plural(revisions, 'revision')}`;
  if (findings.length === 0) return `No findings in ${linted}`;
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  return `${errors} ${plural(errors, 'error')}, ${warnings} ${plural(warnings, 'warning')} in ${linted}`;
}

function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`;
}

/**
 * The whole text output: one line per finding, in the order given, then the summary.
 *
 * @param revisions how many revisions were linted (the summary counts them, findings or not).
 */
export function formatLintText(findings: readonly LintFinding[], revisions: number, paint: Paint = plain): string {
  return [...findings.map((finding) => formatLintFinding(finding, paint)), formatLintSummary(findings, revisions)].join('\n');
}

/**
 * A finding as a GitHub Actions workflow command, which the runner turns into an
 * annotation on the file's line in the job summary and the pull request:
 * `::error file=<file>,line=<line>,title=<RULE_ID>::<message>` (`::warning` for a warning).
 * Values are escaped as GitHub's toolkit escapes them: `%`, CR and LF everywhere, and `:`
 * and `,` in the properties as well.
 *
 * GitHub resolves `file` against the repository's root: findings must carry paths
 * relative to it for the annotation to land on the file.
 *
 * ### Examples
 * ```ts
 * formatLintGithub({ ruleId: 'DROP_TABLE', severity: 'error', revision: '1a2b', file: 'migrations/versions/1a2b_drop_scans.ts', line: 7,
 *   message: 'DROP TABLE scans drops the table and its rows' })
 * // '::error file=migrations/versions/1a2b_drop_scans.ts,line=7,title=DROP_TABLE::DROP TABLE scans drops the table and its rows'
 * ```
 */
export function formatLintGithub(finding: LintFinding): string {
  const properties = [`file=${escapeProperty(finding.file)}`, `line=${finding.line}`, `title=${escapeProperty(finding.ruleId)}`];
  return `::${finding.severity} ${properties.join(',')}::${escapeData(finding.message)}`;
}

/** A workflow command's message, escaped as `@actions/core` escapes it. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value, escaped as `@actions/core` escapes it. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
