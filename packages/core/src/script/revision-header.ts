/** The fields of a migration that the graph needs, as written literally in its file. */
export interface MigrationHeader {
  readonly revision: string;
  readonly downRevision: string | readonly string[] | null;
  readonly branchLabels: string | readonly string[] | null | undefined;
  readonly dependsOn: string | readonly string[] | null | undefined;
  readonly message: string | undefined;
}
