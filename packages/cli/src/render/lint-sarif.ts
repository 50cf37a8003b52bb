import { createHash } from 'node:crypto';
import { LINT_RULES, lintRuleAnchor, type LintRule } from '@cloudguard/migrate-core/adapter';

import type { LintFinding } from './lint.js';

/** Where the lint's documentation is, for the links of a SARIF log. */
export interface LintDocsLocation {
  /** The project's home page: the driver's `informationUri`. */
  readonly informationUri: string;
  /** Absolute URL of `docs/lint.md`, when the host's file URLs are known: each rule's `helpUri` is it with the rule's anchor. */
  readonly docsUrl?: string | undefined;
}

/** What {@link lintSarifLog} needs besides the findings. */
export interface LintSarifOptions {
  /** The CLI's version, the driver's `version`. */
  readonly toolVersion: string;
  /** Absent when the package names no repository or home page: rules then link to `docs/lint.md` in their `help` text only. */
  readonly docs?: LintDocsLocation | undefined;
}

/** A SARIF 2.1.0 log, as far as cgmigrate writes one. */
export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [SarifRun];
}

export interface SarifRun {
  readonly tool: { readonly driver: SarifDriver };
  readonly results: readonly SarifResult[];
}

export interface SarifDriver {
  readonly name: 'cgmigrate';
  readonly version: string;
  readonly informationUri?: string;
  readonly rules: readonly SarifRule[];
}

export interface SarifRule {
  readonly id: string;
  readonly shortDescription: { readonly text: string };
  readonly helpUri?: string;
  readonly help: { readonly text: string; readonly markdown: string };
  readonly defaultConfiguration: { readonly level: 'error' | 'warning' };
  readonly properties: { readonly tags: readonly string[] };
}

export interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: 'error' | 'warning';
  readonly message: { readonly text: string };
  readonly locations: readonly [
    {
      readonly physicalLocation: {
        readonly artifactLocation: { readonly uri: string; readonly uriBaseId: '%SRCROOT%' };
        readonly region: { readonly startLine: number };
      };
    },
  ];
  readonly partialFingerprints: { readonly [FINGERPRINT]: string };
  readonly properties: { readonly revision: string; readonly statement?: string };
}

/** The schema SARIF 2.1.0 logs name, as GitHub's documentation shows it. */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Our fingerprint's name in `partialFingerprints`, versioned as SARIF recommends. */
const FINGERPRINT = 'cgmigrateFinding/v1';

/** Where the rules are documented, relative to the repository's root. */
const LINT_DOC = 'docs/lint.md';

/**
 * The findings of `cgmigrate lint` as a SARIF 2.1.0 log (`--format sarif`), for GitHub
 * code scanning and other viewers: one run whose driver lists every rule of
 * `LINT_RULES` (a rule id the catalogue lacks is appended), and one result per finding,
 * located at its file and line relative to `%SRCROOT%`.
 *
 * Each result has a fingerprint made of its rule, revision and statement (not its line),
 * so that a finding stays the same alert when lines above it move.
 *
 * ### Examples
 * ```ts
 * JSON.stringify(lintSarifLog(findings, { toolVersion: '0.1.0' }), null, 2)
 * ```
 */
export function lintSarifLog(findings: readonly LintFinding[], options: LintSarifOptions): SarifLog {
  const rules: LintRule[] = [...LINT_RULES];
  const indexOf = new Map(rules.map((rule, index) => [rule.id, index]));
  for (const finding of findings) {
    if (indexOf.has(finding.ruleId)) continue;
    indexOf.set(finding.ruleId, rules.length);
    rules.push({ id: finding.ruleId, family: 'lint', defaultSeverity: finding.severity, dialects: [], summary: finding.ruleId });
  }
  const seen = new Map<string, number>();
  const results = findings.map((finding): SarifResult => {
    const identity = [finding.ruleId, finding.revision, finding.statement ?? finding.message].join('\0');
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    return {
      ruleId: finding.ruleId,
      ruleIndex: indexOf.get(finding.ruleId)!,
      level: finding.severity,
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(finding.file), uriBaseId: '%SRCROOT%' },
            region: { startLine: finding.line },
          },
        },
      ],
      partialFingerprints: { [FINGERPRINT]: `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}:${occurrence + 1}` },
      properties: { revision: finding.revision, ...(finding.statement === undefined ? {} : { statement: finding.statement }) },
    };
  });
  const driver: SarifDriver = {
    name: 'cgmigrate',
    version: options.toolVersion,
    ...(options.docs === undefined ? {} : { informationUri: options.docs.informationUri }),
    rules: rules.map((rule) => sarifRule(rule, options.docs?.docsUrl)),
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [{ tool: { driver }, results }] };
}

function sarifRule(rule: LintRule, docsUrl: string | undefined): SarifRule {
  const anchor = lintRuleAnchor(rule.id);
  // SARIF's helpUri must be absolute: without a known URL the link is only in the help text.
  const link = `${docsUrl ?? LINT_DOC}#${anchor}`;
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    ...(docsUrl === undefined ? {} : { helpUri: link }),
    help: {
      text: `${rule.summary} Why it hurts and the safe alternative: ${link}`,
      markdown: `${rule.summary} Why it hurts and the safe alternative: [${rule.id}](${link}).`,
    },
    defaultConfiguration: { level: rule.defaultSeverity },
    // SARIF wants unique tags, and the SQLite rules' family is named after their dialect.
    properties: { tags: [...new Set([rule.family, ...rule.dialects])] },
  };
}

/** The `repository` and `homepage` fields of a `package.json`. */
export interface PackageLinks {
  readonly repository?: string | { readonly url?: string | undefined } | undefined;
  readonly homepage?: string | undefined;
}

/**
 * Where the lint's documentation is online, from the CLI's `package.json`: on a GitHub
 * repository, `docs/lint.md` of its default branch; elsewhere only the home page is
 * known. Undefined when the package names neither.
 *
 * ### Examples
 * ```ts
 * lintDocsLocation({ repository: { url: 'git+https://github.com/acme/cgmigrate.git' } })
 * // { informationUri: 'https://github.com/acme/cgmigrate', docsUrl: 'https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md' }
 * ```
 */
export function lintDocsLocation(manifest: PackageLinks): LintDocsLocation | undefined {
  const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
  const github = [repository, manifest.homepage].map(githubRepository).find((url) => url !== undefined);
  if (github !== undefined) return { informationUri: github, docsUrl: `${github}/blob/HEAD/${LINT_DOC}` };
  const home = [manifest.homepage, repository].find((url) => url !== undefined && /^https?:\/\//.test(url));
  return home === undefined ? undefined : { informationUri: home };
}

/** `https://github.com/<owner>/<repo>` for the ways package.json may name a GitHub repository, or undefined. */
function githubRepository(link: string | undefined): string | undefined {
  if (link === undefined) return undefined;
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(link);
  const url = /^(?:git\+)?(?:https?|git|ssh):\/\/(?:git@)?github\.com[/:]([\w.-]+)\/([\w.-]+)|^git@github\.com:([\w.-]+)\/([\w.-]+)/.exec(link);
  const [owner, name] = shorthand ? [shorthand[1], shorthand[2]] : url ? [url[1] ?? url[3], url[2] ?? url[4]] : [];
  if (owner === undefined || name === undefined) return undefined;
  return `https://github.com/${owner}/${name.replace(/\.git$/, '')}`;
}
