import { readFileSync } from 'node:fs';

/**
 * The package's copy of the repository's docs/errors.md, written by the build
 * (`scripts/copy-error-reference.ts`) and shipped in `files`, so that it is there
 * wherever the CLI is installed.
 */
export const ERROR_REFERENCE_FILE = new URL('../docs/errors.md', import.meta.url);

/** A heading that is a code: `### LOCK_TIMEOUT`. Other `###` headings are notes without a code. */
const CODE_HEADING = /^### ([A-Z][A-Z0-9_]*)\s*$/;

/**
 * The error reference (docs/errors.md) by code: each `### CODE` section, from its heading
 * to the next heading of its level or above. `cgmigrate explain CODE` prints one.
 *
 * ### Examples
 * ```ts
 * const reference = ErrorReference.read();
 * reference.section('LOCK_TIMEOUT'); // '**Message:** `Could not take the migration lock …'
 * reference.codes;                   // ['MULTIPLE_HEADS', 'REVISION_NOT_FOUND', …]
 * ```
 */
export class ErrorReference {
  readonly #sections: ReadonlyMap<string, string>;

  private constructor(sections: ReadonlyMap<string, string>) {
    this.#sections = sections;
  }

  /** The reference in Markdown, as docs/errors.md is written. */
  static parse(markdown: string): ErrorReference {
    const sections = new Map<string, string>();
    let current: { code: string; lines: string[] } | undefined;
    const close = () => {
      if (current) sections.set(current.code, current.lines.join('\n').trim());
      current = undefined;
    };
    for (const line of markdown.split(/\r?\n/)) {
      if (/^#{1,3} /.test(line)) {
        close();
        const code = CODE_HEADING.exec(line)?.[1];
        if (code !== undefined) current = { code, lines: [] };
      } else {
        current?.lines.push(line);
      }
    }
    close();
    return new ErrorReference(sections);
  }

  /**
   * The reference shipped with the CLI ({@link ERROR_REFERENCE_FILE}).
   *
   * @throws {Error} when the file is missing (a CLI run from a checkout that was not built).
   */
  static read(file: URL = ERROR_REFERENCE_FILE): ErrorReference {
    return ErrorReference.parse(readFileSync(file, 'utf8'));
  }

  /** Every code with a section, in the order of the document. */
  get codes(): readonly string[] {
    return [...this.#sections.keys()];
  }

  /** The Markdown of a code's section without its heading, or `undefined` when the code has none. */
  section(code: string): string | undefined {
    return this.#sections.get(code);
  }
}
