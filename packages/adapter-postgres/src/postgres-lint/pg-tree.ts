/**
 * Reading libpg-query's parse tree for the lint: names of tables and objects, constants,
 * options, and names as messages print them. The tree is PostgreSQL's own (`@pgsql/types`,
 * re-exported by libpg-query): unquoted names come folded to lower case, quoted ones kept.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { DefElem, Node, RangeVar } from 'libpg-query';

/** The node types a parse tree can hold (`AlterTableStmt`, `A_Const`, …). */
export type NodeType = Node extends infer Each ? (Each extends Record<infer Key, unknown> ? Key & string : never) : never;

/** The content of a node of type `T`. */
export type NodeOf<T extends NodeType> = Extract<Node, Record<T, unknown>>[T];

/** The type of a node: its one key. */
export function nodeType(node: Node): NodeType {
  for (const key in node) return key as NodeType;
  throw new TypeError('empty parse tree node');
}

/** The content of `node` when it is of type `type`, else undefined. */
export function nodeAs<T extends NodeType>(node: Node | undefined, type: T): NodeOf<T> | undefined {
  return node !== undefined && type in node ? (node as unknown as Record<T, NodeOf<T>>)[type] : undefined;
}

/** A table (or view, index, sequence) as the statement names it; undefined when the node names none. */
export function relationName(relation: RangeVar | undefined): QualifiedName | undefined {
  if (relation?.relname === undefined) return undefined;
  return relation.schemaname === undefined ? { name: relation.relname } : { name: relation.relname, schema: relation.schemaname };
}

/** The strings of a list of `String` nodes (`app.scans` → `['app', 'scans']`); a `List` node is read through. */
export function stringsOf(nodes: readonly Node[] | Node | undefined): string[] {
  if (nodes === undefined) return [];
  if (!Array.isArray(nodes)) {
    const single = nodes as Node;
    const list = nodeAs(single, 'List');
    return list === undefined ? stringsOf([single]) : stringsOf(list.items);
  }
  return nodes.flatMap((item) => {
    const text = nodeAs(item, 'String')?.sval;
    return text === undefined ? [] : [text];
  });
}

/** `[schema, name]` or `[name]` (a database name in front is dropped) as a qualified name. */
export function qualifiedOf(names: readonly string[]): QualifiedName | undefined {
  const name = names[names.length - 1];
  if (name === undefined) return undefined;
  const schema = names[names.length - 2];
  return schema === undefined ? { name } : { name, schema };
}

/** A constant's value: a number, a string, a boolean, `null` for SQL NULL; undefined when the node is no constant. */
export function constantOf(node: Node | undefined): string | number | boolean | null | undefined {
  const constant = nodeAs(node, 'A_Const');
  if (constant === undefined) return undefined;
  if (constant.isnull === true) return null;
  if (constant.sval !== undefined) return constant.sval.sval ?? '';
  if (constant.fval !== undefined) return Number(constant.fval.fval);
  if (constant.boolval !== undefined) return constant.boolval.boolval ?? false;
  // The tree leaves out a field at its default: `ival: {}` is 0.
  if (constant.ival !== undefined) return constant.ival.ival ?? 0;
  return undefined;
}

const OFF_WORDS: ReadonlySet<string> = new Set(['false', 'off', 'no', '0']);

/** Whether an option list (`REINDEX (CONCURRENTLY)`, `VACUUM (FULL false)`) turns `name` on. */
export function optionOn(options: readonly Node[] | undefined, name: string): boolean {
  for (const item of options ?? []) {
    const option: DefElem | undefined = nodeAs(item, 'DefElem');
    if (option?.defname !== name) continue;
    if (option.arg === undefined) return true;
    const text = nodeAs(option.arg, 'String')?.sval;
    if (text !== undefined) return !OFF_WORDS.has(text.toLowerCase());
    const integer = nodeAs(option.arg, 'Integer');
    if (integer !== undefined) return (integer.ival ?? 0) !== 0;
    const boolean = nodeAs(option.arg, 'Boolean');
    if (boolean !== undefined) return boolean.boolval ?? false;
    return true;
  }
  return false;
}

/** A name as SQL would write it: bare when PostgreSQL would read it back unchanged, double-quoted otherwise. */
export function sqlIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A qualified name for a message: `app.scans`, `scans`, `"Scans"`. */
export function sqlName(name: QualifiedName): string {
  return name.schema === undefined ? sqlIdentifier(name.name) : `${sqlIdentifier(name.schema)}.${sqlIdentifier(name.name)}`;
}
