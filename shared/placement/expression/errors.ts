/**
 * A constraint expression that does not follow the cluster query language. Expressions are checked
 * at synth and CLI time, so the message says where (0-based `position` into `source`, shown with a
 * caret under the offending line) and what was expected there.
 */
export class ExpressionSyntaxError extends Error {
  override readonly name = 'ExpressionSyntaxError';
  constructor(
    readonly source: string,
    readonly position: number,
    readonly expected: string,
    found: string,
  ) {
    super(
      `Invalid constraint expression at position ${position}: expected ${expected}, found ${found}\n` +
        pointAt(source, position),
    );
  }
}

/** The source line holding `position`, and a caret under it (tabs kept so the caret lines up). */
function pointAt(source: string, position: number): string {
  const lineStart = source.slice(0, position).lastIndexOf('\n') + 1;
  const newline = source.indexOf('\n', position);
  const line = source.slice(lineStart, newline === -1 ? source.length : newline);
  const padding = line.slice(0, position - lineStart).replace(/[^\t]/g, ' ');
  return `  ${line}\n  ${padding}^`;
}
