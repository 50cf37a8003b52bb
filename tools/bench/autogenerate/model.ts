/**
 * The benchmark's model, as plain data: `tables` tables of eight columns each (an
 * integer key, two strings, a number, a timestamp, a flag, a nullable text and a
 * foreign key to an earlier table), an index on `name`, a unique `code`, and each
 * foreign key indexed. Pure and deterministic: every tool gets the same schema.
 */

/** One column; `references` names the table a foreign key points at. */
export interface ModelColumn {
  readonly name: string;
  readonly kind: 'id' | 'string' | 'text' | 'integer' | 'double' | 'datetime' | 'boolean';
  readonly length?: number;
  readonly nullable: boolean;
  readonly unique?: boolean;
  readonly references?: string;
}

export interface ModelTable {
  readonly name: string;
  /** The entity (class) name. */
  readonly entity: string;
  readonly columns: readonly ModelColumn[];
  /** Columns with a plain index of their own (besides the foreign key's). */
  readonly indexed: readonly string[];
}

/** `t000` … `t199`: table `i` points at table `⌊i/2⌋`, so every table but the first has a parent. */
export function buildModel(tables: number): ModelTable[] {
  return Array.from({ length: tables }, (_, i) => {
    const name = tableName(i);
    const parent = i === 0 ? undefined : tableName(Math.floor(i / 2));
    return {
      name,
      entity: `T${name.slice(1)}`,
      columns: [
        { name: 'id', kind: 'id', nullable: false },
        { name: 'name', kind: 'string', length: 100, nullable: false },
        { name: 'code', kind: 'string', length: 32, nullable: false, unique: true },
        { name: 'amount', kind: 'double', nullable: false },
        { name: 'created_at', kind: 'datetime', nullable: false },
        { name: 'active', kind: 'boolean', nullable: false },
        { name: 'note', kind: 'text', nullable: true },
        parent === undefined
          ? { name: 'parent_id', kind: 'integer', nullable: true }
          : { name: 'parent_id', kind: 'integer', nullable: true, references: parent },
      ],
      indexed: ['name'],
    };
  });
}

function tableName(i: number): string {
  return `t${String(i).padStart(3, '0')}`;
}
