import type { BankIdentifier, Instrument, InstrumentKind, InstrumentPatch, InstrumentStatus } from '../domain/bank-identifiers.js';
import type { Card, CardKind } from '../domain/card.js';
import type { Queryable, Row } from './database.js';
import { big, date, dateOrNull, text, textOrNull } from './rows.js';

export function toInstrument(row: Row): Instrument {
  return {
    id: text(row.id),
    walletId: text(row.wallet_id),
    kind: text(row.kind) as InstrumentKind,
    iban: textOrNull(row.iban),
    sortCode: textOrNull(row.sort_code),
    routingNumber: textOrNull(row.routing_number),
    accountNumber: textOrNull(row.account_number),
    active: Boolean(row.active),
    status: text(row.status) as InstrumentStatus,
    externallyVerified: Boolean(row.externally_verified),
    createdAt: date(row.created_at),
    updatedAt: dateOrNull(row.updated_at) ?? date(row.created_at),
    deactivatedAt: dateOrNull(row.deactivated_at),
  };
}

export function toCard(row: Row): Card {
  return {
    id: text(row.id),
    walletId: text(row.wallet_id),
    kind: text(row.kind) as CardKind,
    maskedNumber: text(row.masked_number),
    name: textOrNull(row.name),
    expirationDate: date(row.expiration_date),
    active: Boolean(row.active),
    destroyedAt: dateOrNull(row.destroyed_at),
    frozenAt: dateOrNull(row.frozen_at),
    replacesCardId: textOrNull(row.replaces_card_id),
    createdAt: date(row.created_at),
  };
}

/** SQL for bank identifiers and cards. */
export function instrumentQueries(db: Queryable) {
  return {
    /** The next account number: from a sequence, so numbers are unique and never reused. */
    async nextAccountSerial(): Promise<bigint> {
      const rows = await db.query(`select nextval('instrument_account_seq')::text as n`);
      return big(rows[0]?.n);
    },

    /** `count` account numbers at once. */
    async nextAccountSerials(count: number): Promise<bigint[]> {
      if (count === 0) return [];
      const rows = await db.query(`select nextval('instrument_account_seq')::text as n from generate_series(1, $1::int)`, [count]);
      return rows.map((row) => big(row.n));
    },

    /** Inserts many bank identifiers in one statement. */
    async insertInstruments(
      instruments: readonly { readonly id: string; readonly walletId: string; readonly identifier: BankIdentifier }[],
      now: Date,
    ): Promise<void> {
      if (instruments.length === 0) return;
      const params: unknown[] = [now];
      const tuples = instruments.map(({ id, walletId, identifier }) => {
        const base = params.length;
        params.push(id, walletId, identifier.kind, identifier.iban, identifier.sortCode, identifier.routingNumber, identifier.accountNumber);
        const p = (n: number) => `$${base + n}`;
        return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}::text, ${p(4)}::text, ${p(5)}::text, ${p(6)}::text, ${p(7)}::text, $1::timestamptz)`;
      });
      await db.query(
        `insert into instruments (id, wallet_id, kind, iban, sort_code, routing_number, account_number, created_at) values ${tuples.join(',\n')}`,
        params,
      );
    },

    async insertInstrument(id: string, walletId: string, identifier: BankIdentifier, now: Date): Promise<Instrument> {
      const rows = await db.query(
        `insert into instruments (id, wallet_id, kind, iban, sort_code, routing_number, account_number, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning *`,
        [id, walletId, identifier.kind, identifier.iban, identifier.sortCode, identifier.routingNumber, identifier.accountNumber, now],
      );
      return toInstrument(rows[0] as Row);
    },

    async listInstruments(walletId: string): Promise<Instrument[]> {
      const rows = await db.query('select * from instruments where wallet_id = $1 order by id', [walletId]);
      return rows.map(toInstrument);
    },

    async getInstrument(id: string): Promise<Instrument | null> {
      const rows = await db.query('select * from instruments where id = $1', [id]);
      return rows[0] === undefined ? null : toInstrument(rows[0]);
    },

    async lockInstrument(id: string): Promise<Instrument | null> {
      const rows = await db.query('select * from instruments where id = $1 for update', [id]);
      return rows[0] === undefined ? null : toInstrument(rows[0]);
    },

    async instrumentCount(walletId: string): Promise<number> {
      const rows = await db.query('select count(*)::int as n from instruments where wallet_id = $1', [walletId]);
      return Number(rows[0]?.n ?? 0);
    },

    async updateInstrument(id: string, patch: InstrumentPatch, now: Date): Promise<Instrument> {
      const rows = await db.query(
        `update instruments set status = coalesce($2, status), externally_verified = coalesce($3, externally_verified), updated_at = $4
         where id = $1 returning *`,
        [id, patch.status ?? null, patch.externallyVerified ?? null, now],
      );
      return toInstrument(rows[0] as Row);
    },

    async findInstrumentsByIban(iban: string): Promise<Instrument[]> {
      const rows = await db.query('select * from instruments where iban = $1', [iban]);
      return rows.map(toInstrument);
    },

    async insertCard(card: Card, numberHash: string, now: Date): Promise<Card> {
      const rows = await db.query(
        `insert into cards (id, wallet_id, kind, masked_number, number_hash, name, expiration_date, active, replaces_card_id, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $10) returning *`,
        [
          card.id,
          card.walletId,
          card.kind,
          card.maskedNumber,
          numberHash,
          card.name,
          card.expirationDate.toISOString().slice(0, 10),
          card.active,
          card.replacesCardId,
          now,
        ],
      );
      return toCard(rows[0] as Row);
    },

    async activeCardCount(walletId: string): Promise<number> {
      const rows = await db.query('select count(*)::int as n from cards where wallet_id = $1 and active', [walletId]);
      return Number(rows[0]?.n ?? 0);
    },

    async listCards(walletId: string): Promise<Card[]> {
      const rows = await db.query('select * from cards where wallet_id = $1 order by id', [walletId]);
      return rows.map(toCard);
    },
  };
}
