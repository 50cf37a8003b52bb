import { plain, type Paint } from './style.js';

/**
 * A section of the error reference as `cgmigrate explain` prints it: the code, a blank
 * line, then the section's Markdown made easier to read in a terminal (`**Cause:**` in
 * bold or plain, a link reduced to its text). Code spans keep their backticks, which
 * mark what to type.
 *
 * ### Examples
 * ```ts
 * formatExplanation('LOCK_TIMEOUT', '**Fix:** see [LOCK_LOST](#lock_lost).')
 * // 'LOCK_TIMEOUT\n\nFix: see LOCK_LOST.'
 * ```
 */
export function formatExplanation(code: string, markdown: string, paint: Paint = plain): string {
  const body = markdown
    .replace(/\*\*([^*\n]+)\*\*/g, (_match, text: string) => paint('bold', text))
    .replace(/\[([^\]\n]+)\]\([^)\s]+\)/g, '$1');
  return `${paint('bold', code)}\n\n${body}`;
}
