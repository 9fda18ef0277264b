/** What the checks found wrong, by kind (the first word of the report line). */
export interface Violation {
  readonly kind: string;
  readonly message: string;
}

export class Violations {
  readonly list: Violation[] = [];

  add(kind: string, message: string): void {
    this.list.push({ kind, message });
  }

  get count(): number {
    return this.list.length;
  }

  byKind(): Map<string, number> {
    const kinds = new Map<string, number>();
    for (const violation of this.list) kinds.set(violation.kind, (kinds.get(violation.kind) ?? 0) + 1);
    return kinds;
  }
}
