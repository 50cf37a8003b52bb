/**
 * The schema model a lint starts from, built only when a schema operation needs it.
 * Building it replays the `up()` of every applied revision offline (`replaySchema`):
 * an upgrade that runs raw SQL only, or that makes the model forget before its first
 * operation, never imports or runs the migrations it is not going to run.
 *
 * @packageDocumentation
 */

import { changesSchema, schemaChangeReason } from '../offline/statement-effect.js';
import { SchemaModel } from '../operations/schema-model.js';

export class LazySchemaModel {
  readonly #build: () => Promise<SchemaModel>;
  #model: SchemaModel | undefined;
  /** Why the model would be forgotten by now: a raw statement changed the schema before it was built. */
  #forgotten: string | undefined;

  constructor(build: () => Promise<SchemaModel>) {
    this.#build = build;
  }

  /** The model once built; `undefined` before. */
  get built(): SchemaModel | undefined {
    return this.#model;
  }

  /** A raw statement run before the model was built: one that changes the schema means it would be forgotten. */
  rawBeforeBuilt(sql: string, who: string): void {
    if (this.#forgotten === undefined && changesSchema(sql)) this.#forgotten = schemaChangeReason(who, sql);
  }

  /** The model, built on first call; one forgotten before it was needed is never built. */
  async model(): Promise<SchemaModel> {
    if (this.#model === undefined) {
      const model = this.#forgotten === undefined ? await this.#build() : new SchemaModel();
      if (this.#forgotten !== undefined) model.forget(this.#forgotten);
      this.#model = model;
    }
    return this.#model;
  }
}
