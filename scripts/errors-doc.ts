/**
 * Writes docs/errors.md from the one error catalogue (src/domain/errors.ts) and the status
 * table (src/api/errors.ts). `--check` exits 1 when the committed page is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { statusOf } from '../src/api/errors.js';
import { type ErrorCode, errorCodes } from '../src/domain/errors.js';

export function renderErrorsDoc(): string {
  const lines = [
    '# Errors',
    '',
    'Every error is an RFC 9457 `application/problem+json` body:',
    '',
    '```json',
    '{ "type": "https://coffer.dev/errors#insufficient_funds", "title": "…", "status": 422,',
    '  "code": "insufficient_funds", "detail": "Wallet … has 100 available (credit limit 0); this needs 150.",',
    '  "instance": "/v1/transfers", "requestId": "…", "errors": [{ "field": "amount", "message": "…" }] }',
    '```',
    '',
    'Match on `code`, never on the text. Codes are stable: never renamed, never reused. A refused',
    'request changes nothing; a 5xx shows no internals and changes nothing either, except that a',
    '503 caused by losing the database at the moment of commit (a failover) cannot know whether the',
    'commit landed: the change is then whole or absent, never half, and retrying with the same',
    '`Idempotency-Key` tells which (docs/scaling.md). This page is generated from `src/domain/errors.ts` by `npm run docs:errors`.',
    '',
    '`Retry-After` (delay in whole seconds) comes with `rate_limited` (429), `service_unavailable`',
    '(503) and `request_in_progress` (409). For `request_in_progress` it is the time until the lease',
    'of the claim on that `Idempotency-Key` can end, at least 1 s: by then the first request has',
    'finished (a retry replays its answer) or, if its process died, the claim can be taken over and',
    "the retry runs. A claim's lease lasts 3 s and is renewed every second while its request runs.",
    '',
    '| code | HTTP | meaning |',
    '|---|---|---|',
  ];
  for (const code of Object.keys(errorCodes) as ErrorCode[]) {
    lines.push(`| <a id="${code}"></a>\`${code}\` | ${statusOf[code]} | ${errorCodes[code]} |`);
  }
  return `${lines.join('\n')}\n`;
}

const target = new URL('../docs/errors.md', import.meta.url);
if (process.argv[1]?.endsWith('errors-doc.ts')) {
  const rendered = renderErrorsDoc();
  if (process.argv.includes('--check')) {
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== rendered) {
      process.stderr.write('docs/errors.md is out of date: run npm run docs:errors\n');
      process.exit(1);
    }
  } else {
    await writeFile(target, rendered);
  }
}
