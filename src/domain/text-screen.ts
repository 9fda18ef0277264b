/**
 * Screening of free text at the edge. Coffer stores what clients send in names, descriptions,
 * references, metadata and keys, and echoes it back; some text must never get that far:
 * control characters (NUL cannot even be stored by PostgreSQL, the others corrupt logs and
 * terminals), lone surrogates (not Unicode: they would be silently replaced on the way to the
 * database) and payment card numbers (a ledger is no place for a PAN: like Stripe's metadata,
 * Coffer refuses text that looks like one rather than store it).
 */
export type TextProblem = 'control_character' | 'lone_surrogate' | 'card_number';

/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
const controlCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** In Unicode mode a surrogate pair is one code point, so this matches only a lone surrogate. */
const loneSurrogate = /\p{Cs}/u;

/**
 * Runs of digits, optionally grouped by single spaces or dashes as cards are written, not
 * touching other digits. A long contiguous run (an amount, a bank reference) is not a card.
 */
const digitRun = /(?<!\d)\d+(?:[ -]\d+)*(?!\d)/g;

/** Issuer prefixes of the major card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro). */
const issuerPrefix = /^(?:4|5[1-5]|2[2-7]|3[47]|3[0689]|6(?:011|5|4[4-9]|2)|35|50|5[6-8])/;

/** The Luhn (mod 10) check digit test every payment card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && issuerPrefix.test(digits) && luhnValid(digits);
}

/** IBAN-shaped tokens (ISO 13616: country, check digits, up to 30 letters or digits, grouped by spaces or not). */
const ibanCandidate = /(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ ]?[A-Za-z0-9]){11,30}(?![A-Za-z0-9])/g;

/** The ISO 7064 mod-97 check every IBAN passes: a valid IBAN is an account number, never a card. */
function ibanValid(candidate: string): boolean {
  const compact = candidate.replaceAll(' ', '').toUpperCase();
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const character of rearranged) {
    const value = character >= 'A' && character <= 'Z' ? String(character.charCodeAt(0) - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/**
 * UUID-shaped tokens (RFC 9562 text form: 8-4-4-4-12 hex digits, any case, any version), not
 * touching other hex digits. A UUID is the most common Idempotency-Key; when its all-digit groups
 * are joined by their dashes they pass for a grouped card number about one time in 900.
 */
const uuidCandidate = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Fa-f])/g;

const blank = (token: string): string => ' '.repeat(token.length);

/**
 * `text` with every UUID and every valid IBAN blanked out, character for character, so that
 * positions still match `text` and no digit group on either side is joined across the gap.
 */
function withoutIdentifiers(text: string): string {
  return text.replace(uuidCandidate, blank).replace(ibanCandidate, (candidate) => (ibanValid(candidate) ? blank(candidate) : candidate));
}

function runHoldsCardNumber(run: string): boolean {
  const groups = run.split(/[ -]/);
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length && digits.length < 19; last++) {
      digits += groups[last];
      if (isCardNumber(digits)) return true;
    }
  }
  return false;
}

/** The digit runs of `text` that hold a card number, found in `withoutIdentifiers(text)`. */
function* cardRuns(text: string): Generator<RegExpMatchArray> {
  for (const match of withoutIdentifiers(text).matchAll(digitRun)) {
    if (runHoldsCardNumber(match[0])) yield match;
  }
}

/**
 * True when `text` holds a 13–19 digit, Luhn-valid number with a card network's prefix, written
 * in one piece or in groups ("4539 5787 6362 1486"); groups are tried from each group boundary,
 * so a card followed by its CVV or expiry is still found. UUIDs and valid IBANs are left out
 * first: their digit groups would otherwise look like a card (one UUID in 900, one IBAN in ten).
 */
export function containsCardNumber(text: string): boolean {
  return !cardRuns(text).next().done;
}

/**
 * `text` with every card number replaced, for what Coffer echoes or logs (error details, request
 * paths): a refused card number must not come back out in the refusal. Exactly the runs that
 * `containsCardNumber` finds are replaced, so what it refuses is always masked.
 */
export function maskCardNumbers(text: string): string {
  let masked = '';
  let from = 0;
  for (const match of cardRuns(text)) {
    const start = match.index ?? 0;
    masked += `${text.slice(from, start)}[card number removed]`;
    from = start + match[0].length;
  }
  return from === 0 ? text : masked + text.slice(from);
}

/** The first reason `text` must be refused, or null when it may be stored. */
export function screenText(text: string): TextProblem | null {
  if (controlCharacter.test(text)) return 'control_character';
  if (loneSurrogate.test(text)) return 'lone_surrogate';
  if (containsCardNumber(text)) return 'card_number';
  return null;
}

export const textProblemMessages: Readonly<Record<TextProblem, string>> = {
  control_character: 'must not contain control characters',
  lone_surrogate: 'must be well-formed Unicode',
  card_number: 'looks like a payment card number: card numbers are never accepted in text',
};
