import type { Command } from '@oclif/core';

/**
 * A command's flags and arguments as the fast entry reads them from oclif's manifest
 * (`oclif.manifest.json`): only what it can parse exactly as oclif does (see
 * {@link commandLineRules}).
 */
export interface CommandLineRules {
  readonly flags: ReadonlyMap<string, FlagRule>;
  /** The flags by their short form (`-c`). */
  readonly byChar: ReadonlyMap<string, FlagRule>;
  /** The arguments, in order. */
  readonly args: readonly ArgRule[];
  /** Whether arguments past the declared ones are refused (oclif's `strict`). */
  readonly strict: boolean;
}

interface FlagRule {
  readonly name: string;
  /** `oclif-only`: a flag the fast parser leaves to oclif (`multiple`): a command line that gives it goes to oclif. */
  readonly kind: 'boolean' | 'option' | 'oclif-only';
  /** The values an option flag accepts; any value when absent. */
  readonly options: readonly string[] | undefined;
  /** Flags that must not be given with this one. */
  readonly exclusive: readonly string[];
}

interface ArgRule {
  readonly name: string;
  readonly required: boolean;
  readonly default: string | undefined;
  readonly options: readonly string[] | undefined;
}

/** A command line parsed as oclif parses it: what a command class reads of `this.parse()`. */
export interface ParsedCommandLine {
  /** The flags given, by name: `true` for a boolean flag, the value for an option flag. */
  readonly flags: Readonly<Record<string, string | true>>;
  /** The declared arguments that have a value, given or by default. */
  readonly args: Readonly<Record<string, string>>;
  /** Every argument in order, the declared ones first (defaults included), then any others. */
  readonly argv: readonly string[];
}

/**
 * Keys of a manifest entry that do not change how a command called by its id parses and
 * runs (help texts, where it was loaded from, its other names), for the command, a flag
 * and an argument: {@link commandLineRules} passes over them, and the fast entry's bundle
 * leaves them out of the manifest it carries.
 */
export const INERT_KEYS = {
  command: new Set([
    'aliasPermutations',
    'aliases',
    'deprecateAliases',
    'description',
    'enableJsonFlag',
    'examples',
    'hasDynamicHelp',
    'hidden',
    'hiddenAliases',
    'id',
    'isESM',
    'pluginAlias',
    'pluginName',
    'permutations',
    'pluginType',
    'relativePath',
    'summary',
    'usage',
  ]),
  flag: new Set(['description', 'hasDynamicHelp', 'helpGroup', 'helpLabel', 'helpValue', 'hidden', 'noCacheDefault', 'summary']),
  arg: new Set(['description', 'hidden', 'noCacheDefault']),
} as const;

/** Keys of a flag the rules take in; any other key must hold nothing (`undefined`, `false` or `[]`). */
const FLAG_KEYS = new Set(['name', 'type', 'char', 'options', 'exclusive', 'multiple', 'multipleNonGreedy', 'allowNo']);
const ARG_KEYS = new Set(['name', 'required', 'default', 'options']);
const COMMAND_KEYS = new Set(['flags', 'args', 'strict']);

/**
 * The rules of a command's manifest entry, or `undefined` when the entry uses anything the
 * fast parser does not take in completely: every command line of such a command goes to
 * oclif. Taken in: boolean flags, option flags given once (with or without a list of
 * values), short forms that are letters, `exclusive`, `multiple` flags (a command line
 * that gives one goes to oclif), and arguments that are required or
 * have a default or a list of values. Not taken in, for instance: flags read from the
 * environment, with a default, `allowNo` (`--no-…`), aliases, `dependsOn`,
 * `required` flags, variadic arguments, deprecated commands or flags, and any key this
 * version does not know (a later oclif's).
 *
 * What the manifest does not record, the fast parser cannot see: a flag or argument that
 * parses its value (`Flags.integer`, a custom `parse`), a boolean flag's default, flags
 * read from stdin (`allowStdin`), `exactlyOne`/`atLeastOne`. The fast entry takes such
 * values as strings, as `Flags.string` does; `tests/unit/command-line.test.ts` parses
 * command lines built from every fast command's manifest entry with oclif's parser too,
 * and fails when the two disagree.
 */
export function commandLineRules(command: Command.Cached): CommandLineRules | undefined {
  const entry = command as unknown as Record<string, unknown>;
  if (!onlyKnownKeys(entry, COMMAND_KEYS, INERT_KEYS.command)) return undefined;
  if (command.strict !== undefined && typeof command.strict !== 'boolean') return undefined;
  const flags = new Map<string, FlagRule>();
  const byChar = new Map<string, FlagRule>();
  for (const [name, flag] of Object.entries(command.flags ?? {})) {
    const rule = flagRule(name, flag);
    if (rule === undefined) return undefined;
    flags.set(name, rule);
    if (flag.char !== undefined) {
      // oclif reads `-1` as a flag when a flag's short form is `1`, as a negative number otherwise.
      if (!/^[A-Za-z]$/.test(flag.char) || byChar.has(flag.char)) return undefined;
      byChar.set(flag.char, rule);
    }
  }
  for (const rule of flags.values()) if (rule.exclusive.some((other) => !flags.has(other))) return undefined;
  const args: ArgRule[] = [];
  for (const [name, arg] of Object.entries(command.args ?? {})) {
    const rule = argRule(name, arg);
    // oclif refuses a required argument after an optional one.
    if (rule === undefined || (rule.required && args.some((before) => !before.required))) return undefined;
    args.push(rule);
  }
  return { flags, byChar, args, strict: command.strict !== false };
}

function flagRule(name: string, flag: Command.Flag.Cached): FlagRule | undefined {
  const entry = flag as unknown as Record<string, unknown>;
  if (!onlyKnownKeys(entry, FLAG_KEYS, INERT_KEYS.flag) || entry['name'] !== name) return undefined;
  if (entry['allowNo'] === true) return undefined;
  const options = stringList(entry['options']);
  const exclusive = stringList(entry['exclusive']);
  if (options === null || exclusive === null) return undefined;
  if (entry['multiple'] === true) return { name, kind: 'oclif-only', options, exclusive: exclusive ?? [] };
  if (flag.type === 'boolean' && options === undefined) return { name, kind: 'boolean', options, exclusive: exclusive ?? [] };
  if (flag.type === 'option') return { name, kind: 'option', options, exclusive: exclusive ?? [] };
  return undefined;
}

function argRule(name: string, arg: Command.Arg.Cached): ArgRule | undefined {
  const entry = arg as unknown as Record<string, unknown>;
  if (!onlyKnownKeys(entry, ARG_KEYS, INERT_KEYS.arg) || entry['name'] !== name) return undefined;
  const required = entry['required'] ?? false;
  const value = entry['default'];
  const options = stringList(entry['options']);
  if (typeof required !== 'boolean' || (value !== undefined && typeof value !== 'string') || options === null) return undefined;
  if (required && value !== undefined) return undefined;
  return { name, required, default: value, options };
}

/** Whether every key is taken in, inert, or holds nothing. */
function onlyKnownKeys(entry: Record<string, unknown>, known: ReadonlySet<string>, inert: ReadonlySet<string>): boolean {
  return Object.entries(entry).every(
    ([key, value]) => known.has(key) || inert.has(key) || value === undefined || value === false || (Array.isArray(value) && value.length === 0),
  );
}

/** A list of strings, `undefined` when absent, `null` when it is something else. */
function stringList(value: unknown): readonly string[] | undefined | null {
  if (value === undefined) return undefined;
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : null;
}

/**
 * Parses a command line (the words after the command id) as oclif would, or returns
 * `undefined` for anything oclif might read differently or refuse, so that oclif can
 * answer it: `--` or `-`, an unknown or repeated flag, short flags bundled (`-qv`) or
 * joined to their value (`-cfile`), a value that is missing, empty, `-`, looks like a
 * flag or is not one of the flag's values, flags that exclude each other, too many or too
 * few arguments, and a missing argument when stdin may hold it (oclif reads it from
 * there). A word like `-1` is an argument, as oclif reads it.
 *
 * @param stdinIsEmpty called only when an argument is missing.
 */
export function parseCommandLine(words: readonly string[], rules: CommandLineRules, stdinIsEmpty: () => boolean): ParsedCommandLine | undefined {
  const flags: Record<string, string | true> = {};
  const given: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '-' || word === '--') return undefined;
    if (!word.startsWith('-') || /^-\d/.test(word)) {
      given.push(word);
      continue;
    }
    let flag: FlagRule | undefined;
    let inline: string | undefined;
    if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      flag = rules.flags.get(equals === -1 ? word.slice(2) : word.slice(2, equals));
      inline = equals === -1 ? undefined : word.slice(equals + 1);
    } else if (word.length === 2) {
      flag = rules.byChar.get(word[1]!);
    }
    if (flag === undefined || flag.kind === 'oclif-only' || Object.hasOwn(flags, flag.name)) return undefined;
    if (flag.kind === 'boolean') {
      if (inline !== undefined) return undefined;
      flags[flag.name] = true;
      continue;
    }
    const value = inline ?? words[++i];
    if (value === undefined || value === '' || value === '-') return undefined;
    // `-r -3:` is a value; `--url --json` or `-c -q` may not be one to oclif.
    if (inline === undefined && (value.startsWith('--') || (value.length === 2 && rules.byChar.has(value.slice(1))))) return undefined;
    if (flag.options !== undefined && !flag.options.includes(value)) return undefined;
    flags[flag.name] = value;
  }
  for (const name of Object.keys(flags)) {
    if (rules.flags.get(name)!.exclusive.some((other) => Object.hasOwn(flags, other))) return undefined;
  }
  if (rules.strict && given.length > rules.args.length) return undefined;
  const args: Record<string, string> = {};
  const argv: string[] = [];
  for (const [index, rule] of rules.args.entries()) {
    const value = given[index];
    if (value === undefined && !stdinIsEmpty()) return undefined;
    if (value !== undefined && rule.options !== undefined && !rule.options.includes(value)) return undefined;
    const taken = value ?? rule.default;
    if (taken === undefined) {
      if (rule.required) return undefined;
      continue;
    }
    args[rule.name] = taken;
    argv.push(taken);
  }
  argv.push(...given.slice(rules.args.length));
  return { flags, args, argv };
}
