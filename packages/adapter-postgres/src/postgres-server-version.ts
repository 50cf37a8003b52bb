/** The statement that reads the server's version: `15.4`, or `15.4 (Debian 15.4-1.pgdg120+1)` on packaged builds. */
export const SERVER_VERSION_QUERY = 'SHOW server_version';

/** The version as `SHOW server_version` gives it, without what a packager adds after a space: `"15.4"`. */
export function serverVersionOf(shown: string): string {
  return shown.trim().split(/\s/, 1)[0] ?? '';
}
