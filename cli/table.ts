/** A value as one table cell: NULL spelled out (so it differs from ''), blobs as SQLite hex literals. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Uint8Array) return `x'${Buffer.from(value).toString('hex')}'`;
  return String(value);
}

/**
 * Rows as an aligned text table: a header, a rule, one line per row, and a count. Columns come in
 * the order the first row gives them (SQL's SELECT order); a column of numbers only is
 * right-aligned. Cells are never cut: ARNs are long, and a cut ARN is useless.
 */
export function formatTable(rows: readonly Record<string, unknown>[], options: { count?: boolean } = {}): string {
  const count = options.count === false ? [] : [`(${rows.length} row${rows.length === 1 ? '' : 's'})`];
  if (rows.length === 0) return count.join('');
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const numeric = columns.map((column) => rows.every((row) => row[column] === null || typeof row[column] === 'number'));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((line) => line[i]!.length)));
  const render = (line: readonly string[]) =>
    line
      .map((text, i) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [render(columns), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(render), ...count].join('\n');
}
