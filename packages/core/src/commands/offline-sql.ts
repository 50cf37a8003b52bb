import { InvalidTargetError } from '../errors.js';
import { createOfflineConnection, type RunningMigration } from '../offline/offline-connection.js';
import { replaySchema } from '../runtime/replay-schema.js';
import { OfflineScriptBuilder, renderOfflineScript, type OfflineBlock } from '../offline/offline-script.js';
import { planDowngrade } from '../plan/plan-downgrade.js';
import { planStamp } from '../plan/plan-stamp.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { RevisionMap } from '../revision/revision-map.js';
import { describeStep } from '../runtime/events.js';
import type { MigrationStep } from '../plan/migration-step.js';
import { loadScripts, resolveAdapter, type MigrationEnvironment } from './environment.js';
import { runLocked, type MigrateResult } from './upgrade.js';
import { offlineRenderer } from './offline-renderer.js';


/** What an offline command rendered. */
export interface OfflineScriptResult extends MigrateResult {
  /** The complete SQL script: statements ending in `;`, `-- Running …` comments, `BEGIN`/`COMMIT` around transactions. */
  readonly sql: string;
  /** The same script as data: one block per transaction, or per migration run outside any. */
  readonly blocks: readonly OfflineBlock[];
}

/** Options of {@link upgradeSql}. */
export interface UpgradeSqlOptions {
  /** `<target>` (from base) or `<from>:<target>`; `head` by default. */
  readonly range?: string | undefined;
}

/** Options of {@link downgradeSql}. */
export interface DowngradeSqlOptions {
  /** `<from>:<target>`, e.g. `head:base` or `ae1027:-1`; the start is required. */
  readonly range: string;
}

/** Options of {@link stampSql}. */
export interface StampSqlOptions {
  /** Revisions to record; a single `<from>:<to>` sets the rows the script starts from. */
  readonly revisions: readonly string[];
  /** Delete the start rows first, whatever they are. */
  readonly purge?: boolean | undefined;
}

/**
 * Renders the SQL of an upgrade without connecting (Alembic's `upgrade --sql`): the
 * version table's creation when starting from base, each migration's statements with
 * their parameters inlined, the version and audit rows, and `BEGIN`/`COMMIT` as the
 * online run would commit (once, or per migration with `transactionPerMigration`;
 * none around a `transactional: false` migration, whose version change follows in its
 * own transaction). Step events are emitted as online.
 *
 * ### Examples
 * ```ts
 * const { sql } = await upgradeSql(env, { range: 'base:head' });
 * process.stdout.write(sql);
 * ```
 * @throws {OfflineNotSupportedError} when the adapter has no `renderOffline`.
 * @throws {OfflineReadNotSupportedError} when a migration reads the database.
 * @throws {InvalidTargetError} for a malformed range.
 */
export async function upgradeSql(env: MigrationEnvironment, options: UpgradeSqlOptions = {}): Promise<OfflineScriptResult> {
  const { start, target } = splitRange(options.range ?? 'head', false);
  return renderScript(env, start ?? 'base', (map, heads) => planUpgrade(map, heads, target));
}

/**
 * Renders the SQL of a downgrade without connecting (Alembic's `downgrade --sql`).
 * The range's start is required, as there is no database to say where it is.
 *
 * ### Examples
 * ```ts
 * const { sql } = await downgradeSql(env, { range: 'head:base' });
 * ```
 * @throws {InvalidTargetError} without a `<from>:` start.
 * @throws {IrreversibleMigrationError} when a migration to undo has no `down()`.
 */
export async function downgradeSql(env: MigrationEnvironment, options: DowngradeSqlOptions): Promise<OfflineScriptResult> {
  const { start, target } = splitRange(options.range, true);
  return renderScript(env, start!, (map, heads) => planDowngrade(map, heads, target));
}

/**
 * Renders the version-table changes of a stamp without connecting (Alembic's
 * `stamp --sql`), starting from base unless a single `<from>:<to>` names the start.
 *
 * ### Examples
 * ```ts
 * const { sql } = await stampSql(env, { revisions: ['head'] });
 * ```
 */
export async function stampSql(env: MigrationEnvironment, options: StampSqlOptions): Promise<OfflineScriptResult> {
  let start = 'base';
  let revisions = options.revisions;
  if (revisions.length === 1 && revisions[0]!.includes(':')) {
    const range = splitRange(revisions[0]!, true);
    start = range.start!;
    revisions = [range.target];
  }
  return renderScript(env, start, (map, heads) => planStamp(map, heads, revisions, { purge: options.purge ?? false }));
}

type Planner = (map: RevisionMap, currentHeads: readonly string[]) => MigrationStep[];

async function renderScript(env: MigrationEnvironment, start: string, plan: Planner): Promise<OfflineScriptResult> {
  const scripts = await loadScripts(env);
  const adapter = await resolveAdapter(env);
  const renderer = await offlineRenderer(env, adapter);
  const startHeads = start === 'base' ? [] : scripts.map.resolve(start).map((revision) => revision.id);

  const script = new OfflineScriptBuilder();
  let running: RunningMigration | undefined;
  // The tables that the revisions before the range made, for operations that need a table's definition.
  const model = startHeads.length > 0 && renderer.operationCompiler !== undefined ? await replaySchema(scripts, startHeads, adapter.name) : undefined;
  const connection = createOfflineConnection({ renderer, script, startHeads, runningMigration: () => running, model });
  const offlineEnv: MigrationEnvironment = {
    ...env,
    onEvent: (event) => {
      if (event.type === 'step-start') {
        running = { revision: event.step.revision, path: event.step.path };
        script.comment(describeStep({ ...event.step, message: undefined, transactional: true }));
      }
      env.onEvent?.(event);
    },
  };
  // Each step's version row right after its statements, as Alembic's --sql prints them.
  const result = await runLocked(offlineEnv, adapter, connection, scripts, plan, undefined, { recordEachStep: true });
  const blocks = script.blocks;
  return { ...result, blocks, sql: renderOfflineScript(blocks, renderer) };
}

/** `<from>:<to>` or `<to>`. */
function splitRange(text: string, startRequired: boolean): { start: string | undefined; target: string } {
  const colon = text.indexOf(':');
  if (colon === -1) {
    if (startRequired) {
      throw new InvalidTargetError(text, 'offline mode (--sql) needs a range <from>:<to> here, such as head:base, since no database says where to start');
    }
    return { start: undefined, target: text };
  }
  const start = text.slice(0, colon).trim();
  const target = text.slice(colon + 1).trim();
  if (start === '' || target === '' || target.includes(':')) {
    throw new InvalidTargetError(text, 'a range is <from>:<to>, such as base:head or ae1027:head');
  }
  return { start, target };
}
