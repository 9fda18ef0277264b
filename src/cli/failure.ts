/** How a failed command explains itself on stderr: the problem's code and detail for a refusal, a plain sentence otherwise. */
export function describeFailure(error: unknown): string {
  if (typeof error !== 'object' || error === null) return `coffer: ${String(error)}`;
  const candidate = error as { name?: unknown; status?: unknown; code?: unknown; detail?: unknown; message?: unknown; errors?: unknown; requestId?: unknown };
  if (typeof candidate.status === 'number' && typeof candidate.code === 'string') {
    const fields = Array.isArray(candidate.errors)
      ? (candidate.errors as { field?: string; path?: string; message?: string }[])
          .map((item) => `\n  ${item.field ?? item.path ?? ''}: ${item.message ?? ''}`)
          .join('')
      : '';
    const request = typeof candidate.requestId === 'string' && candidate.requestId !== '' ? ` (request ${candidate.requestId})` : '';
    return `refused: ${candidate.code} (HTTP ${candidate.status}): ${String(candidate.detail ?? candidate.message ?? '')}${fields}${request}`;
  }
  return `coffer: ${error instanceof Error ? error.message : String(error)}`;
}
