import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config, type Command } from '@oclif/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { commandLineRules, parseCommandLine, type CommandLineRules, type ParsedCommandLine } from '../../src/run/command-line.js';
import { manifestCommands } from '../../src/run/command-manifest.js';
import { FAST_COMMANDS } from '../../src/run/fast-entry.js';

/** The CLI's package folder: oclif loads its manifest and, to parse, its built command classes. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** One command line to try, and whether the fast entry must take it (else it may hand it to oclif). */
interface Case {
  readonly words: readonly string[];
  readonly plain: boolean;
}

/**
 * Command lines built from a manifest entry: every flag in each way it can be written,
 * before and after the arguments, each pair of flags, and the mistakes oclif answers (an
 * unknown, repeated or bundled flag, a missing or wrong value, too many arguments, `--`).
 * A flag added to a command class is tried here without a change to this test.
 */
function casesFor(entry: Command.Cached): Case[] {
  const args = Object.values(entry.args);
  const required = args.filter((arg) => arg.required).map(() => 'a1');
  const every = args.map(() => 'a1');
  const cases: Case[] = [
    { words: required, plain: true },
    { words: every, plain: true },
    { words: [], plain: required.length === 0 },
    { words: [...every, 'b2'], plain: false },
    { words: ['-1'], plain: false },
    { words: [...required, '--'], plain: false },
    { words: ['--', '-1'], plain: false },
    { words: [...required, '-'], plain: false },
    { words: [...required, '--bogus'], plain: false },
    { words: ['-Z', ...required], plain: false },
  ];
  const flags = Object.values(entry.flags);
  const written = (flag: Command.Flag.Cached): { words: string[]; plain: boolean }[] => {
    const long = `--${flag.name}`;
    const short = flag.char === undefined ? [] : [`-${flag.char}`];
    if (flag.type === 'boolean') {
      return [{ words: [long], plain: true }, ...short.map((word) => ({ words: [word], plain: true })), { words: [`${long}=yes`], plain: false }];
    }
    const value = flag.options?.[0] ?? 'v1';
    return [
      { words: [long, value], plain: true },
      { words: [`${long}=${value}`], plain: true },
      ...short.flatMap((word) => [
        { words: [word, value], plain: true },
        { words: [`${word}${value}`], plain: false },
      ]),
      { words: [long, 'nope'], plain: flag.options === undefined },
      { words: [long, '-3:'], plain: flag.options === undefined },
      { words: [long], plain: false },
      { words: [`${long}=`], plain: false },
      { words: [long, '-'], plain: false },
      { words: [long, '--json'], plain: false },
      { words: [long, value, long, value], plain: false },
    ];
  };
  for (const flag of flags) {
    for (const form of written(flag)) {
      cases.push({ words: [...required, ...form.words], plain: form.plain }, { words: [...form.words, ...every], plain: form.plain });
    }
    if (flag.type === 'boolean') cases.push({ words: [...required, `--${flag.name}`, `--${flag.name}`], plain: false });
  }
  for (const [i, a] of flags.entries()) {
    for (const b of flags.slice(i + 1)) {
      const exclusive = (a.exclusive ?? []).includes(b.name) || (b.exclusive ?? []).includes(a.name);
      cases.push({ words: [...required, ...written(a)[0]!.words, ...written(b)[0]!.words], plain: !exclusive });
      if (a.char !== undefined && b.char !== undefined && a.type === 'boolean' && b.type === 'boolean') {
        cases.push({ words: [...required, `-${a.char}${b.char}`], plain: false });
      }
    }
  }
  return cases;
}

/** A command class as `BaseCommand.init` uses it: its static flags and args, and `this.parse()` (protected). */
interface CommandClass {
  new (argv: string[], config: Config): { parse(options: object, argv: string[]): Promise<OclifParse> };
  readonly flags: unknown;
  readonly baseFlags: unknown;
  readonly enableJsonFlag: unknown;
  readonly args: unknown;
  readonly strict: unknown;
}

interface OclifParse {
  readonly flags: Record<string, unknown>;
  readonly args: Record<string, unknown>;
  readonly argv: unknown[];
}

/** What a command class's `this.parse()` returns, as the fast entry's result has it (flags not given left out). */
function asParsed(output: OclifParse): ParsedCommandLine {
  const given = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
  return { flags: given(output.flags) as ParsedCommandLine['flags'], args: given(output.args) as ParsedCommandLine['args'], argv: output.argv as string[] };
}

describe('the fast entry parses command lines as oclif does', () => {
  let config: Config;
  beforeAll(async () => {
    config = await Config.load(PACKAGE_ROOT);
  });

  it('takes in the manifest entry of every command it runs', () => {
    const commands = manifestCommands();
    for (const id of FAST_COMMANDS) expect(commandLineRules(commands[id]!), id).toBeDefined();
  });

  it('runs the commands bin/run.js sends it, and no other', () => {
    const bin = readFileSync(new URL('../../bin/run.js', import.meta.url), 'utf8');
    const listed = /const FAST_COMMANDS = new Set\(\[([^\]]*)\]\)/.exec(bin)?.[1];
    expect(listed?.split(',').map((word) => word.trim().replaceAll("'", ''))).toEqual(FAST_COMMANDS);
  });

  it.each(FAST_COMMANDS)('%s: a line it takes, oclif takes with the same flags and arguments; every plain line it takes', async (id) => {
    const entry = manifestCommands()[id]!;
    const rules = commandLineRules(entry)!;
    const Class = (await config.findCommand(id)!.load()) as unknown as CommandClass;
    const cases = casesFor(entry);
    expect(cases.length).toBeGreaterThan(20);
    for (const { words, plain } of cases) {
      const fast = parseCommandLine(words, rules, () => true);
      // As BaseCommand.init parses.
      const { flags, baseFlags, enableJsonFlag, args, strict } = Class;
      const byOclif = await new Class([...words], config)
        .parse({ flags, baseFlags, enableJsonFlag, args, strict }, [...words])
        .then(asParsed, () => undefined);
      const line = `${id} ${words.join(' ')}`;
      if (fast !== undefined) expect(byOclif, line).toEqual(fast);
      if (plain) expect(fast, line).toBeDefined();
    }
  });
});

describe('commandLineRules', () => {
  const upgrade = (): Command.Cached => structuredClone(manifestCommands()['upgrade']!);

  it('takes a flag added to a command from the manifest, with no change to the fast entry', () => {
    const entry = upgrade();
    entry.flags['dry-run'] = { name: 'dry-run', type: 'boolean', allowNo: false, char: 'n' };
    entry.flags['tag'] = { name: 'tag', type: 'option', multiple: false, options: ['a', 'b'], exclusive: ['dry-run'] } as Command.Flag.Cached;
    const rules = commandLineRules(entry)!;
    expect(parseCommandLine(['head', '-n'], rules, () => true)).toEqual({ flags: { 'dry-run': true }, args: { target: 'head' }, argv: ['head'] });
    expect(parseCommandLine(['--tag=b', '+1'], rules, () => true)).toEqual({ flags: { tag: 'b' }, args: { target: '+1' }, argv: ['+1'] });
    expect(parseCommandLine(['--tag', 'c'], rules, () => true)).toBeUndefined();
    expect(parseCommandLine(['--tag', 'a', '--dry-run'], rules, () => true)).toBeUndefined();
  });

  it('keeps the fast entry for a command with a flag given more than once, and leaves a command line that gives it to oclif', () => {
    const entry = upgrade();
    entry.flags['wave'] = { name: 'wave', type: 'option', multiple: true } as Command.Flag.Cached;
    const rules = commandLineRules(entry)!;
    expect(parseCommandLine(['head', '--sql'], rules, () => true)).toEqual({ flags: { sql: true }, args: { target: 'head' }, argv: ['head'] });
    expect(parseCommandLine(['head', '--wave', '10%'], rules, () => true)).toBeUndefined();
  });

  it.each<[string, (entry: Command.Cached) => void]>([
    ['a flag read from the environment', (entry) => Object.assign(entry.flags['sql']!, { env: 'CGMIGRATE_SQL' })],
    ['a flag with a default', (entry) => Object.assign(entry.flags['url']!, { default: 'sqlite://' })],
    ['a --no- flag', (entry) => Object.assign(entry.flags['sql']!, { allowNo: true })],
    ['a required flag', (entry) => Object.assign(entry.flags['url']!, { required: true })],
    ['a flag that depends on another', (entry) => Object.assign(entry.flags['sql']!, { dependsOn: ['url'] })],
    ['a flag with another name', (entry) => Object.assign(entry.flags['sql']!, { aliases: ['offline'] })],
    ['a deprecated flag', (entry) => Object.assign(entry.flags['sql']!, { deprecated: true })],
    ['a digit as a short form', (entry) => Object.assign(entry.flags['sql']!, { char: '1' })],
    ['a flag of a kind it does not know', (entry) => Object.assign(entry.flags['sql']!, { type: 'custom' })],
    ['a key it does not know', (entry) => Object.assign(entry.flags['sql']!, { someday: 'yes' })],
    ['a variadic argument', (entry) => Object.assign(entry.args['target']!, { multiple: true })],
    ['a deprecated command', (entry) => Object.assign(entry, { state: 'deprecated' })],
  ])('leaves a command with %s to oclif', (_what, change) => {
    const entry = upgrade();
    change(entry);
    expect(commandLineRules(entry)).toBeUndefined();
  });
});

describe('parseCommandLine', () => {
  const rules = (): CommandLineRules => commandLineRules(manifestCommands()['upgrade']!)!;

  it('looks at stdin only for a missing argument, and leaves one stdin may hold to oclif', () => {
    let looked = 0;
    const stdin = (empty: boolean) => () => (looked++, empty);
    expect(parseCommandLine(['head'], rules(), stdin(false))).toEqual({ flags: {}, args: { target: 'head' }, argv: ['head'] });
    expect(looked).toBe(0);
    expect(parseCommandLine(['--sql'], rules(), stdin(false))).toBeUndefined();
    expect(parseCommandLine(['--sql'], rules(), stdin(true))).toEqual({ flags: { sql: true }, args: { target: 'head' }, argv: ['head'] });
    expect(looked).toBe(2);
  });

  it('reads -1 as an argument and -r -3: as a value, as oclif does', () => {
    const history = commandLineRules(manifestCommands()['history']!)!;
    expect(parseCommandLine(['-r', '-3:', '-i'], history, () => true)?.flags).toEqual({ 'rev-range': '-3:', 'indicate-current': true });
    const downgrade = commandLineRules(manifestCommands()['downgrade']!)!;
    expect(parseCommandLine(['-1', '--sql'], downgrade, () => true)).toEqual({ flags: { sql: true }, args: { target: '-1' }, argv: ['-1'] });
  });
});
