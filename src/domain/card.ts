import { assert } from './assert.js';
import type { Reservation } from './reservation.js';

export const cardKinds = ['plastic', 'virtual'] as const;
export type CardKind = (typeof cardKinds)[number];

/** A card as stored and shown: never its full number, only the masked form. */
export interface Card {
  readonly id: string;
  readonly walletId: string;
  readonly kind: CardKind;
  /** First 6 and last 4 digits, the rest as `*`. */
  readonly maskedNumber: string;
  readonly name: string | null;
  /** The last day the card is valid. */
  readonly expirationDate: Date;
  readonly active: boolean;
  readonly destroyedAt: Date | null;
  /** Set while the card is frozen by its own freeze; a wallet's block freezes it apart from this. */
  readonly frozenAt: Date | null;
  /** The card this one replaced (`POST /v1/cards/{id}/replace`), if any. */
  readonly replacesCardId: string | null;
  readonly createdAt: Date;
}

/**
 * Why a card cannot be used now, in the order a client can act on: destroyed (final), expired,
 * frozen by its own freeze, frozen by its wallet's block. Null when it can be used.
 */
export function cardRefusalOf(
  card: Pick<Card, 'active' | 'destroyedAt' | 'expirationDate' | 'frozenAt'>,
  walletStatus: string,
  today: Date,
): 'card_destroyed' | 'card_expired' | 'card_frozen' | 'wallet_blocked' | 'wallet_closed' | null {
  if (!card.active || card.destroyedAt !== null) return 'card_destroyed';
  if (walletStatus === 'closed') return 'wallet_closed';
  if (expirationStatusOf(card.expirationDate, today) === 'EXPIRED') return 'card_expired';
  if (card.frozenAt !== null) return 'card_frozen';
  if (walletStatus === 'blocked') return 'wallet_blocked';
  return null;
}

/** The Luhn check digit that makes `payload` + digit pass the Luhn test. */
export function luhnCheckDigit(payload: string): string {
  assert(/^[0-9]+$/.test(payload), 'a card payload is digits');
  let sum = 0;
  for (let index = 0; index < payload.length; index++) {
    let digit = Number(payload[payload.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A 16-digit card number: the BIN, then random digits, then the Luhn check digit. */
export function cardNumberOf(bin: string, randomDigits: string): string {
  assert(/^[0-9]{6,8}$/.test(bin), 'a BIN is 6 to 8 digits');
  const payload = (bin + randomDigits).slice(0, 15);
  assert(payload.length === 15, 'enough random digits for a 16-digit number');
  return payload + luhnCheckDigit(payload);
}

export function maskCardNumber(number: string): string {
  return number.slice(0, 6) + '*'.repeat(number.length - 10) + number.slice(-4);
}

/** `EXPIRED` once the expiration date has passed (`today` is the caller's date, time ignored). */
export function expirationStatusOf(expirationDate: Date, today: Date): 'ACTIVE' | 'EXPIRED' {
  return expirationDate.toISOString().slice(0, 10) < today.toISOString().slice(0, 10) ? 'EXPIRED' : 'ACTIVE';
}

/** Cards are valid to the last day of the month, `years` after issue. */
export function cardExpirationDate(issuedAt: Date, years: number): Date {
  return new Date(Date.UTC(issuedAt.getUTCFullYear() + years, issuedAt.getUTCMonth() + 1, 0));
}

/** Parses `premium:3,business:5`: programs allowed more than one active card per wallet. */
export function parseCardsPerProgram(text: string): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  for (const item of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [program, count] = item.split(':');
    const value = Number(count);
    if (program === undefined || program === '' || !Number.isSafeInteger(value) || value < 1)
      throw new Error(`card program limit "${item}" is not PROGRAM:COUNT`);
    map.set(program, value);
  }
  return map;
}

/** A card authorization: the hold it placed on the card's wallet, and the card and shop it came from. */
export interface CardAuthorization extends Reservation {
  readonly cardId: string;
  readonly merchantName: string | null;
}
