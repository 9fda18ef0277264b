/**
 * The clients' own record of what they asked and what they were told: every request with its
 * Idempotency-Key, and its outcome once known. The checks compare the ledger against it.
 * It also keeps the pools the clients draw from: holds and quotes they know were acknowledged.
 */
import { type Answer, call, type Json, type Outcome, outcomeOf } from './http.js';
import type { Random } from './options.js';
import type { Server } from './servers.js';

export const operationKinds = ['topup', 'transfer', 'hold', 'capture', 'void', 'quote', 'exchange'] as const;
export type OperationKind = (typeof operationKinds)[number];

/** The part of an answer the checks need. */
export interface Acknowledgement {
  readonly id: string;
  readonly status: string | null;
  readonly capturedAmount: string | null;
  readonly targetAmount: string | null;
}

export interface Operation {
  readonly key: string;
  readonly kind: OperationKind;
  readonly path: string;
  readonly body: Json;
  /** The hold a capture or a void targets, the quote an exchange uses. */
  readonly holdId: string | null;
  readonly quoteId: string | null;
  outcome: Outcome;
  /** The HTTP status of the answer that settled the outcome. */
  status: number | null;
  acknowledgement: Acknowledgement | null;
  refusal: string | null;
  /** The first answer was lost: the outcome came from replaying the key in the final read. */
  resolvedLate: boolean;
  /** The settling answer was an idempotent replay (`Idempotent-Replayed`): an earlier attempt had committed. */
  replayed: boolean;
}

export interface HoldRef {
  readonly id: string;
  readonly walletId: string;
  readonly amount: bigint;
}

export interface QuoteRef {
  readonly id: string;
  readonly fromCurrencyId: string;
  readonly toCurrencyId: string;
  readonly amount: string;
}

const text = (value: unknown): string | null => (value === undefined || value === null ? null : String(value));

function acknowledgementOf(json: Json): Acknowledgement {
  const exchange = json.exchange as Json | null | undefined;
  return {
    id: String(json.id),
    status: text(json.status),
    capturedAmount: text(json.capturedAmount),
    targetAmount: text(exchange?.targetAmount ?? json.targetAmount),
  };
}

export class ClientRecord {
  readonly operations: Operation[] = [];
  /** Answers by HTTP status ("error" for a timeout or a lost connection). */
  readonly answers = new Map<string, number>();
  /** Answers that are bugs whatever the fault: the same key and body called a different request. */
  readonly keyReuses: string[] = [];
  private readonly holds: HoldRef[] = [];
  private readonly quotes: QuoteRef[] = [];

  add(operation: Omit<Operation, 'outcome' | 'status' | 'acknowledgement' | 'refusal' | 'resolvedLate' | 'replayed'>): Operation {
    const full: Operation = { ...operation, outcome: 'unknown', status: null, acknowledgement: null, refusal: null, resolvedLate: false, replayed: false };
    this.operations.push(full);
    return full;
  }

  /** One attempt of an operation: sends it with its key and records what the answer says. */
  async attempt(server: Server, operation: Operation, timeoutMs = 5000): Promise<Answer | null> {
    const answer = await call(server, 'POST', operation.path, operation.body, operation.key, timeoutMs).catch(() => null);
    this.settle(operation, answer);
    return answer;
  }

  /** Records what an answer (null: none came) says about an operation. */
  settle(operation: Operation, answer: Answer | null): void {
    const label = answer === null ? 'error' : String(answer.status);
    this.answers.set(label, (this.answers.get(label) ?? 0) + 1);
    if (answer?.json.code === 'idempotency_key_reused') this.keyReuses.push(operation.key);
    operation.outcome = outcomeOf(answer);
    if (answer !== null && operation.outcome !== 'unknown') {
      operation.status = answer.status;
      operation.replayed = answer.replayed;
      if (operation.outcome === 'ok') operation.acknowledgement = acknowledgementOf(answer.json);
      else operation.refusal = text(answer.json.code) ?? `http_${answer.status}`;
      this.learn(operation);
    }
  }

  /** Updates the pools from a settled outcome. */
  private learn(operation: Operation): void {
    const ack = operation.acknowledgement;
    if (operation.kind === 'hold' && ack !== null) {
      this.holds.push({ id: ack.id, walletId: String(operation.body.walletId), amount: BigInt(String(operation.body.amount)) });
    } else if ((operation.kind === 'capture' || operation.kind === 'void') && (ack !== null || operation.refusal === 'hold_not_pending')) {
      this.forgetHold(operation.holdId);
    } else if (operation.kind === 'quote' && ack !== null) {
      this.quotes.push({
        id: ack.id,
        fromCurrencyId: String(operation.body.fromCurrencyId),
        toCurrencyId: String(operation.body.toCurrencyId),
        amount: String(operation.body.amount),
      });
    } else if (
      operation.kind === 'exchange' &&
      operation.quoteId !== null &&
      (ack !== null || operation.refusal === 'quote_used' || operation.refusal === 'quote_expired')
    ) {
      const index = this.quotes.findIndex((quote) => quote.id === operation.quoteId);
      if (index >= 0) this.quotes.splice(index, 1);
    }
  }

  private forgetHold(id: string | null): void {
    const index = this.holds.findIndex((hold) => hold.id === id);
    if (index >= 0) this.holds.splice(index, 1);
  }

  /**
   * One of the most recent acknowledged, unresolved holds. Usually the client takes it out of the
   * pool; three times in ten it leaves it there, so that another client may race it on that hold.
   */
  takeHold(random: Random): HoldRef | null {
    if (this.holds.length === 0) return null;
    const hold = random.pick(this.holds.slice(-10));
    if (!random.chance(0.3)) this.forgetHold(hold.id);
    return hold;
  }

  /** One of the most recent acknowledged quotes not yet known to be used. */
  recentQuote(random: Random): QuoteRef | null {
    return this.quotes.length === 0 ? null : random.pick(this.quotes.slice(-4));
  }

  ofKind(kind: OperationKind): Operation[] {
    return this.operations.filter((operation) => operation.kind === kind);
  }
}
