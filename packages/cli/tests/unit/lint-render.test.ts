/**
 * The output formats of `cgmigrate lint`: text and GitHub workflow commands exactly as
 * printed, and SARIF checked against the official SARIF 2.1.0 JSON schema (the one
 * `@microsoft/jest-sarif` ships; it is draft-04, hence `ajv-draft-04`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LINT_RULES, lintRuleAnchor } from '@cloudguard/migrate-core/adapter';
import ajvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { formatLintFinding, formatLintGithub, formatLintSummary, formatLintText, type LintFinding } from '../../src/render/lint.js';
import { lintDocsLocation, lintSarifLog, SARIF_SCHEMA_URI } from '../../src/render/lint-sarif.js';
import type { Paint } from '../../src/render/style.js';

const INDEX: LintFinding = {
  ruleId: 'CREATE_INDEX_NON_CONCURRENTLY',
  severity: 'error',
  message: 'CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds',
  revision: '1a2b3c4d5e6f',
  file: 'migrations/versions/20250101_1a2b3c4d5e6f_index_hosts.ts',
  line: 9,
  statement: 'CREATE INDEX ix_scans_host ON scans (host)',
};
const DROP: LintFinding = {
  ruleId: 'DROP_COLUMN',
  severity: 'error',
  message: 'ALTER TABLE scans DROP COLUMN legacy_score drops the column and its values',
  revision: '9f8e7d6c5b4a',
  file: 'migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts',
  line: 14,
  statement: 'ALTER TABLE scans DROP COLUMN legacy_score',
};
const TIMEOUT: LintFinding = {
  ruleId: 'MISSING_LOCK_TIMEOUT',
  severity: 'warning',
  message: 'ALTER TABLE scans takes ACCESS EXCLUSIVE on scans with no lock_timeout',
  revision: '9f8e7d6c5b4a',
  file: 'migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts',
  line: 14,
};

describe('text', () => {
  it('prints <file>:<line> <RULE_ID> <message>, one line per finding, then the summary', () => {
    expect(formatLintText([INDEX, DROP, TIMEOUT], 3)).toBe(
      [
        'migrations/versions/20250101_1a2b3c4d5e6f_index_hosts.ts:9 CREATE_INDEX_NON_CONCURRENTLY CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds',
        'migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts:14 DROP_COLUMN ALTER TABLE scans DROP COLUMN legacy_score drops the column and its values',
        'migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts:14 MISSING_LOCK_TIMEOUT ALTER TABLE scans takes ACCESS EXCLUSIVE on scans with no lock_timeout',
        '2 errors, 1 warning in 3 revisions',
      ].join('\n'),
    );
  });

  it('says so when nothing was found, and counts in the singular', () => {
    expect(formatLintText([], 12)).toBe('No findings in 12 revisions');
    expect(formatLintSummary([], 1)).toBe('No findings in 1 revision');
    expect(formatLintSummary([INDEX], 1)).toBe('1 error, 0 warnings in 1 revision');
    expect(formatLintSummary([TIMEOUT, TIMEOUT], 2)).toBe('0 errors, 2 warnings in 2 revisions');
  });

  it('keeps a message of several lines on its finding’s line', () => {
    expect(formatLintFinding({ ...TIMEOUT, message: 'first line\n  second line\r\nthird' })).toBe(
      'migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts:14 MISSING_LOCK_TIMEOUT first line second line third',
    );
  });

  it('colours the rule id by severity, and nothing else', () => {
    const tags: Paint = (style, text) => `<${style}>${text}</${style}>`;
    expect(formatLintFinding(INDEX, tags)).toBe(
      'migrations/versions/20250101_1a2b3c4d5e6f_index_hosts.ts:9 <red>CREATE_INDEX_NON_CONCURRENTLY</red> CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds',
    );
    expect(formatLintFinding(TIMEOUT, tags)).toContain(':14 <yellow>MISSING_LOCK_TIMEOUT</yellow> ALTER TABLE');
  });
});

describe('GitHub workflow commands', () => {
  it('prints ::error and ::warning with file, line and the rule as title', () => {
    expect(formatLintGithub(INDEX)).toBe(
      '::error file=migrations/versions/20250101_1a2b3c4d5e6f_index_hosts.ts,line=9,title=CREATE_INDEX_NON_CONCURRENTLY::CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds',
    );
    expect(formatLintGithub(TIMEOUT)).toBe(
      '::warning file=migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy score.ts,line=14,title=MISSING_LOCK_TIMEOUT::ALTER TABLE scans takes ACCESS EXCLUSIVE on scans with no lock_timeout',
    );
  });

  it('escapes % CR LF in the message, and , : as well in the properties, as GitHub’s toolkit does', () => {
    const odd: LintFinding = { ...TIMEOUT, file: 'db/versions/a,b:c%d.ts', message: '100% of rows: one, two\r\nnext line' };
    expect(formatLintGithub(odd)).toBe('::warning file=db/versions/a%2Cb%3Ac%25d.ts,line=14,title=MISSING_LOCK_TIMEOUT::100%25 of rows: one, two%0D%0Anext line');
  });
});

describe('SARIF', () => {
  const require = createRequire(import.meta.url);
  const schemaFile = path.join(path.dirname(require.resolve('@microsoft/jest-sarif/package.json')), 'lib/schemas/sarif-2.1.0-rtm.5.json');
  // The official schema breaks ajv's own style rules (an anyOf requires properties it declares
  // elsewhere), and its pattern for a language tag is not valid with the `u` flag ajv adds by default.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  // ajv checks formats only once told what they mean; these are RFC 3986's and RFC 3339's.
  ajv.addFormat('uri', (value: string) => /^[a-z][a-z0-9+.-]*:/i.test(value) && URL.canParse(value) && URI_CHARACTERS.test(value));
  ajv.addFormat('uri-reference', (value: string) => URI_CHARACTERS.test(value));
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')) as object);
  const errors = () => ajv.errorsText(validate.errors, { separator: '\n' });
  const DOCS = lintDocsLocation({ repository: { url: 'git+https://github.com/acme/cgmigrate.git' } });

  it('writes logs the SARIF 2.1.0 schema accepts, with and without a documentation URL, with and without findings', () => {
    for (const log of [
      lintSarifLog([INDEX, DROP, TIMEOUT], { toolVersion: '0.1.0', docs: DOCS }),
      lintSarifLog([INDEX, DROP, TIMEOUT], { toolVersion: '0.1.0' }),
      lintSarifLog([], { toolVersion: '0.1.0' }),
      lintSarifLog([{ ...TIMEOUT, ruleId: 'NOT_IN_THE_CATALOGUE' }], { toolVersion: '0.1.0' }),
    ]) {
      expect(validate(JSON.parse(JSON.stringify(log))), errors()).toBe(true);
    }
  });

  it('is checked for real: the schema refuses a relative helpUri and a line 0', () => {
    const log = lintSarifLog([INDEX], { toolVersion: '0.1.0', docs: DOCS });
    const copy = () => JSON.parse(JSON.stringify(log)) as EditableLog;
    const relative = copy();
    relative.runs[0].tool.driver.rules[0]!.helpUri = 'docs/lint.md#drop_table';
    expect(validate(relative)).toBe(false);
    expect(errors()).toContain('must match format "uri"');
    const lineZero = copy();
    lineZero.runs[0].results[0]!.locations[0]!.physicalLocation.region.startLine = 0;
    expect(validate(lineZero)).toBe(false);
  });

  it('lists every rule of the catalogue with its summary, default level and documentation link', () => {
    const { runs } = lintSarifLog([], { toolVersion: '0.1.0', docs: DOCS });
    expect(runs[0].tool.driver).toMatchObject({ name: 'cgmigrate', version: '0.1.0', informationUri: 'https://github.com/acme/cgmigrate' });
    const rules = runs[0].tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual(LINT_RULES.map((rule) => rule.id));
    expect(rules.find((rule) => rule.id === 'SET_NOT_NULL_SCANS')).toEqual({
      id: 'SET_NOT_NULL_SCANS',
      shortDescription: { text: 'SET NOT NULL without a validated CHECK (col IS NOT NULL): the whole table is scanned under ACCESS EXCLUSIVE.' },
      helpUri: 'https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md#set_not_null_scans',
      help: {
        text: 'SET NOT NULL without a validated CHECK (col IS NOT NULL): the whole table is scanned under ACCESS EXCLUSIVE. Why it hurts and the safe alternative: https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md#set_not_null_scans',
        markdown:
          'SET NOT NULL without a validated CHECK (col IS NOT NULL): the whole table is scanned under ACCESS EXCLUSIVE. Why it hurts and the safe alternative: [SET_NOT_NULL_SCANS](https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md#set_not_null_scans).',
      },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['locking', 'postgresql'] },
    });
    for (const [index, rule] of LINT_RULES.entries()) {
      expect(rules[index]!.defaultConfiguration.level).toBe(rule.defaultSeverity);
      expect(rules[index]!.helpUri).toBe(`https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md#${lintRuleAnchor(rule.id)}`);
    }
  });

  it('names docs/lint.md in the help text when no repository is known, as helpUri must be absolute', () => {
    const { runs } = lintSarifLog([], { toolVersion: '0.1.0' });
    const dropTable = runs[0].tool.driver.rules.find((rule) => rule.id === 'DROP_TABLE')!;
    expect(dropTable.helpUri).toBeUndefined();
    expect(dropTable.help.text).toBe('Drops a table and its rows, which the running service may still read. Why it hurts and the safe alternative: docs/lint.md#drop_table');
    expect(runs[0].tool.driver).not.toHaveProperty('informationUri');
  });

  it('gives each finding its rule, level, message and location under %SRCROOT%', () => {
    const { runs } = lintSarifLog([INDEX, TIMEOUT], { toolVersion: '0.1.0' });
    const [index, timeout] = runs[0].results;
    expect(index).toMatchObject({
      ruleId: 'CREATE_INDEX_NON_CONCURRENTLY',
      level: 'error',
      message: { text: 'CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'migrations/versions/20250101_1a2b3c4d5e6f_index_hosts.ts', uriBaseId: '%SRCROOT%' },
            region: { startLine: 9 },
          },
        },
      ],
      properties: { revision: '1a2b3c4d5e6f', statement: 'CREATE INDEX ix_scans_host ON scans (host)' },
    });
    expect(runs[0].tool.driver.rules[index!.ruleIndex]!.id).toBe('CREATE_INDEX_NON_CONCURRENTLY');
    expect(timeout).toMatchObject({ ruleId: 'MISSING_LOCK_TIMEOUT', level: 'warning', properties: { revision: '9f8e7d6c5b4a' } });
    expect(timeout!.locations[0].physicalLocation.artifactLocation.uri).toBe('migrations/versions/20250203_9f8e7d6c5b4a_drop_legacy%20score.ts');
    expect(runs[0].tool.driver.rules[timeout!.ruleIndex]!.id).toBe('MISSING_LOCK_TIMEOUT');
  });

  it('reports the level in force, which the config may have changed from the default', () => {
    const { runs } = lintSarifLog([{ ...TIMEOUT, severity: 'error' }], { toolVersion: '0.1.0' });
    expect(runs[0].results[0]!.level).toBe('error');
    expect(runs[0].tool.driver.rules[runs[0].results[0]!.ruleIndex]!.defaultConfiguration.level).toBe('warning');
  });

  it('appends a rule the catalogue does not know, so that ruleIndex still points at it', () => {
    const { runs } = lintSarifLog([{ ...TIMEOUT, ruleId: 'NOT_IN_THE_CATALOGUE' }], { toolVersion: '0.1.0' });
    expect(runs[0].results[0]!.ruleIndex).toBe(LINT_RULES.length);
    expect(runs[0].tool.driver.rules[LINT_RULES.length]!.id).toBe('NOT_IN_THE_CATALOGUE');
  });

  it('fingerprints a finding by rule, revision and statement: moving its line keeps it, a second alike finding gets its own', () => {
    const fingerprint = (findings: LintFinding[]) => lintSarifLog(findings, { toolVersion: '0.1.0' }).runs[0].results.map((result) => Object.values(result.partialFingerprints)[0]);
    const [before] = fingerprint([INDEX]);
    const [after] = fingerprint([{ ...INDEX, line: 40 }]);
    expect(after).toBe(before);
    const twice = fingerprint([INDEX, INDEX]);
    expect(new Set(twice).size).toBe(2);
    expect(fingerprint([{ ...INDEX, revision: 'other' }])[0]).not.toBe(before);
  });

  it('names the SARIF 2.1.0 schema', () => {
    const log = lintSarifLog([], { toolVersion: '0.1.0' });
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.version).toBe('2.1.0');
  });
});

describe('lintDocsLocation', () => {
  it('links docs/lint.md on GitHub from any way package.json names the repository', () => {
    const expected = { informationUri: 'https://github.com/acme/cgmigrate', docsUrl: 'https://github.com/acme/cgmigrate/blob/HEAD/docs/lint.md' };
    for (const repository of [
      'github:acme/cgmigrate',
      'acme/cgmigrate',
      'https://github.com/acme/cgmigrate',
      { url: 'git+https://github.com/acme/cgmigrate.git' },
      { url: 'git+ssh://git@github.com/acme/cgmigrate.git' },
      'git@github.com:acme/cgmigrate.git',
    ]) {
      expect(lintDocsLocation({ repository }), JSON.stringify(repository)).toEqual(expected);
    }
    expect(lintDocsLocation({ homepage: 'https://github.com/acme/cgmigrate#readme' })).toEqual(expected);
  });

  it('keeps only the home page elsewhere, and gives nothing when the package names neither', () => {
    expect(lintDocsLocation({ homepage: 'https://cgmigrate.example.org' })).toEqual({ informationUri: 'https://cgmigrate.example.org' });
    expect(lintDocsLocation({ repository: { url: 'https://gitlab.example.org/acme/cgmigrate' } })).toEqual({
      informationUri: 'https://gitlab.example.org/acme/cgmigrate',
    });
    expect(lintDocsLocation({})).toBeUndefined();
  });
});

/** The parts of a log the tests break on purpose. */
interface EditableLog {
  runs: [{ tool: { driver: { rules: { helpUri?: string }[] } }; results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }];
}

/** The characters RFC 3986 allows in a URI reference, with each % starting an escape. */
const URI_CHARACTERS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
