/** The fields of a migration that the graph needs, as written literally in its file. */
export interface MigrationHeader {
  readonly revision: string;
  readonly downRevision: string | readonly string[] | null;
  readonly branchLabels: string | readonly string[] | null | undefined;
  readonly dependsOn: string | readonly string[] | null | undefined;
  readonly message: string | undefined;
}

/** The names of a header's fields: the object form's properties, the class form's static members. */
export const HEADER_FIELDS = ['revision', 'downRevision', 'branchLabels', 'dependsOn', 'message'] as const satisfies readonly (keyof MigrationHeader)[];

/** One of {@link HEADER_FIELDS}. */
export type HeaderField = (typeof HEADER_FIELDS)[number];
