import type { Card, CardAuthorization } from '../domain/card.js';
import type { Queryable, Row } from './database.js';
import { toReservation } from './hold-queries.js';
import { toCard } from './instrument-queries.js';
import { textOrNull, text } from './rows.js';

function toAuthorization(row: Row): CardAuthorization & { readonly seq: bigint } {
  return { ...toReservation(row), cardId: text(row.card_id), merchantName: textOrNull(row.merchant_name) };
}

const authorizationColumns = 'select t.*, a.card_id, a.merchant_name from card_authorizations a join transactions t on t.id = a.id';

/** SQL for a card's own state (freeze, destroy) and its authorizations. */
export function cardQueries(db: Queryable) {
  return {
    async getCard(id: string): Promise<Card | null> {
      const rows = await db.query('select * from cards where id = $1', [id]);
      return rows[0] === undefined ? null : toCard(rows[0]);
    },

    /** Locks a card's row: freezes, destroys and authorizations on one card are ordered. */
    async lockCard(id: string): Promise<Card | null> {
      const rows = await db.query('select * from cards where id = $1 for update', [id]);
      return rows[0] === undefined ? null : toCard(rows[0]);
    },

    /** Sets or clears the card's own freeze (`frozenAt` null: not frozen by itself). */
    async setCardFrozen(id: string, frozenAt: Date | null, now: Date): Promise<Card> {
      const rows = await db.query('update cards set frozen_at = $2, updated_at = $3 where id = $1 returning *', [id, frozenAt, now]);
      return toCard(rows[0] as Row);
    },

    async destroyCard(id: string, now: Date): Promise<Card> {
      const rows = await db.query('update cards set active = false, destroyed_at = $2, updated_at = $2 where id = $1 returning *', [id, now]);
      return toCard(rows[0] as Row);
    },

    async getCardAuthorization(id: string): Promise<CardAuthorization | null> {
      const rows = await db.query(`${authorizationColumns} where a.id = $1`, [id]);
      return rows[0] === undefined ? null : toAuthorization(rows[0]);
    },

    /** A card's authorizations, newest first (ids are time-ordered UUIDv7), before the cursor's id. */
    async listCardAuthorizations(cardId: string, beforeId: string | null, limit: number): Promise<CardAuthorization[]> {
      const rows = await db.query(`${authorizationColumns} where a.card_id = $1 and ($2::uuid is null or a.id < $2) order by a.id desc limit $3`, [
        cardId,
        beforeId,
        limit,
      ]);
      return rows.map(toAuthorization);
    },
  };
}
