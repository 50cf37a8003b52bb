import { styleText } from 'node:util';

/** The styles the CLI uses. */
export type Style = 'red' | 'yellow' | 'cyan' | 'green' | 'dim' | 'bold';

/** Applies a style to a text, or returns it unchanged when the stream gets no colour. */
export type Paint = (style: Style, text: string) => string;

/**
 * A {@link Paint} for a stream. Colour only reaches a TTY, and `NO_COLOR`,
 * `NODE_DISABLE_COLORS` and `FORCE_COLOR` are honoured (Node's `styleText` checks them).
 *
 * ### Examples
 * ```ts
 * const paint = painterFor(process.stderr);
 * process.stderr.write(paint('red', 'Error') + '\n');
 * ```
 */
export function painterFor(stream: NodeJS.WritableStream): Paint {
  return (style, text) => styleText(style, text, { stream, validateStream: true });
}

/** A {@link Paint} that never styles, for tests and non-terminal output. */
export const plain: Paint = (_style, text) => text;
