// Rows as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted): the
// files the CLI writes and the API serves.
export type CsvField = string | number | boolean | null;

function field(value: CsvField): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvText(header: readonly string[], rows: readonly (readonly CsvField[])[]): string {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}
