/**
 * Splits an SQL script into statements the way schema generators write scripts: a
 * statement ends with `;` at the end of a line. A `;` inside a string literal, a quoted
 * identifier, a comment or a PostgreSQL dollar-quoted body does not end one, and
 * neither does a `;` followed by more text on its line (an SQLite trigger's
 * `begin …; end`).
 *
 * ### Examples
 * ```ts
 * splitStatements("create table `a` (`x` text default 'a;\nb');\ncreate index `i` on `a` (`x`);\n");
 * // ["create table `a` (`x` text default 'a;\nb')", 'create index `i` on `a` (`x`)']
 * ```
 */
export function splitStatements(script: string): string[] {
  // No `;` at all (one statement, as most of what a schema helper writes is): the scan
  // below would find nothing to split at. A compiled operation takes this path, once per
  // statement of every migration, so it is worth skipping the scan.
  if (!script.includes(';')) {
    const statement = script.trim();
    return statement.length > 0 ? [statement] : [];
  }
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  while (i < n) {
    const ch = script[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closingQuote(script, i, ch);
    } else if (ch === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (ch === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i, i + 64))?.[0];
      if (tag) {
        const end = script.indexOf(tag, i + tag.length);
        i = end === -1 ? n : end + tag.length;
      } else {
        i++;
      }
    } else if (ch === ';' && /^[ \t\r]*(\n|$)/.test(script.slice(i + 1, i + 64))) {
      push(statements, script.slice(start, i));
      i++;
      start = i;
    } else {
      i++;
    }
  }
  push(statements, script.slice(start));
  return statements;
}

function closingQuote(script: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < script.length) {
    if (script[i] === quote) {
      // A doubled quote is an escaped one.
      if (script[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return script.length;
}

function push(statements: string[], text: string): void {
  const statement = text.trim();
  if (statement.length > 0) statements.push(statement);
}
