/**
 * The parameters of one SQL statement built from parts (group commit writes a whole group in one
 * statement, store/posting-queries.ts): `add` keeps a value and answers its typed placeholder.
 */
export class Params {
  readonly values: unknown[] = [];

  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Runs one part on its own: the statement it builds with fresh parameters. */
export function single(build: (params: Params) => string): { readonly sql: string; readonly values: unknown[] } {
  const params = new Params();
  const sql = build(params);
  return { sql, values: params.values };
}
