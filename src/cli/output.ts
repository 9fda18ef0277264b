/** How commands print: aligned tables on a terminal, JSON / JSON lines / CSV for scripts (`--output`). */
export type Format = 'table' | 'json' | 'jsonl' | 'csv';

export type Cell = string | number | boolean | null | undefined;
export type Record_ = Readonly<Record<string, Cell>>;

export function formatOf(option: unknown): Format {
  if (option === undefined) return process.stdout.isTTY ? 'table' : 'json';
  if (option === 'table' || option === 'json' || option === 'jsonl' || option === 'csv') return option;
  throw new Error(`--output must be table, json, jsonl or csv, not "${String(option)}"`);
}

function csvCell(value: Cell): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly Cell[]): string {
  return values.map(csvCell).join(',');
}

function table(rows: readonly Record_[], columns: readonly string[]): string {
  const text = (value: Cell) => (value === null || value === undefined ? '' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => text(row[column]).length)));
  const numeric = columns.map(
    (column) => rows.length > 0 && rows.every((row) => /^-?[0-9][0-9.]*( [A-Z0-9_]+)?$/.test(text(row[column])) || text(row[column]) === ''),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (numeric[index] === true ? value.padStart(widths[index] ?? 0) : value.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => text(row[column]))))].join('\n');
}

/** Prints a list of records. */
export function printRows(format: Format, rows: readonly Record_[], columns: readonly string[]): void {
  if (format === 'table') process.stdout.write(rows.length === 0 ? '(none)\n' : `${table(rows, columns)}\n`);
  else if (format === 'json') process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (format === 'jsonl') process.stdout.write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
  else process.stdout.write([csvLine(columns), ...rows.map((row) => csvLine(columns.map((column) => row[column])))].map((line) => `${line}\n`).join(''));
}

/** Prints one record: `field  value` lines on a terminal. */
export function printRecord(format: Format, record: Record_): void {
  if (format === 'table') {
    const width = Math.max(...Object.keys(record).map((key) => key.length));
    process.stdout.write(
      `${Object.entries(record)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key.padEnd(width)}  ${value === null ? '-' : String(value)}`)
        .join('\n')}\n`,
    );
  } else if (format === 'json') process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  else printRows(format, [record], Object.keys(record));
}
