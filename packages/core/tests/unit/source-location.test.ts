import module from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { locateInStack, locateSyntaxError } from '../../src/script/source-location.js';

const FILE = '/app/migrations/versions/a1 init.ts';
const URL_OF_FILE = pathToFileURL(FILE).href; // with %20 for the space

function errorWithStack(stack: string, cause?: unknown): Error {
  const error = new Error('x', cause === undefined ? undefined : { cause });
  error.stack = stack;
  return error;
}

describe('locateInStack', () => {
  it('takes the first frame in the file, named by its file: URL (import() and scripts) or its path', () => {
    const byUrl = errorWithStack(
      `TypeError: Cannot read properties of undefined (reading 'x')\n` +
        `    at helper (file:///app/migrations/helper.ts:2:3)\n` +
        `    at Object.up (${URL_OF_FILE}:6:7)\n` +
        `    at async ${URL_OF_FILE}:9:1`,
    );
    expect(locateInStack(byUrl, FILE)).toEqual({ path: FILE, line: 6, column: 7 });
    const byPath = errorWithStack(`Error: boom\n    at ${FILE}:12:5\n    at node:internal/x:1:1`);
    expect(locateInStack(byPath, FILE)).toEqual({ path: FILE, line: 12, column: 5 });
  });

  it('follows causes, and gives nothing when no stack names the file', () => {
    const inner = errorWithStack(`TypeError: t\n    at Object.down (${URL_OF_FILE}:20:11)`);
    expect(locateInStack(errorWithStack('Error: outer\n    at run (file:///app/x.js:1:1)', inner), FILE)).toEqual({ path: FILE, line: 20, column: 11 });
    expect(locateInStack(errorWithStack('Error: elsewhere\n    at run (file:///app/migrations/versions/a1 init.tsx:1:1)'), FILE)).toBeUndefined();
    expect(locateInStack('not an error', FILE)).toBeUndefined();
  });

  it("reads a syntax error's position from the source line and the caret its stack starts with", () => {
    const error = errorWithStack(
      `${URL_OF_FILE}:6\n  up() {\n    const x = ;\n              ^\n  },\n\nSyntaxError [ERR_INVALID_TYPESCRIPT_SYNTAX]: Expression expected\n    at parseTypeScript (node:internal/modules/typescript:72:36)`,
    );
    expect(locateInStack(error, FILE)).toEqual({ path: FILE, line: 6, column: 15 });
    const otherFile = errorWithStack(`file:///app/other.ts:6\n    const x = ;\n              ^\n\nSyntaxError: Expression expected`);
    expect(locateInStack(otherFile, FILE)).toBeUndefined();
  });

  it('locates what V8 reports for a script compiled with the file as its name (line offset included)', () => {
    let error: unknown;
    try {
      new vm.Script('(function () {\nconst a = 1;\n  const b = ;\n})', { filename: URL_OF_FILE, lineOffset: -1 });
    } catch (caught) {
      error = caught;
    }
    expect(locateInStack(error, FILE)).toEqual({ path: FILE, line: 2, column: 13 });
  });
});

describe.skipIf(typeof module.stripTypeScriptTypes !== 'function')('locateSyntaxError', () => {
  it("finds the position with Node's TypeScript parser, in JavaScript too", () => {
    expect(locateSyntaxError('export default {\n  up() {\n    const x = ;\n  },\n};\n', FILE)).toEqual({ path: FILE, line: 3, column: 15 });
    expect(locateSyntaxError('const a: number = 1;\n\tlet = ;\n', FILE)).toMatchObject({ line: 2 });
  });

  it('gives nothing for text the parser accepts', () => {
    expect(locateSyntaxError('export default { revision: "a1" };\n', FILE)).toBeUndefined();
  });
});
