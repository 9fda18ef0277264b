import { electronicFormatIBAN, isValidIBAN } from 'ibantools';
import { isValidRoutingNumber } from './bank-identifiers.js';
import { CofferError } from './errors.js';

/**
 * A bank account outside Coffer: where a payout goes (a withdrawal's `destination`) or where a
 * pending credit comes from (its `source`). Exactly one way of naming the account: an IBAN, a UK
 * sort code + account number, or a US routing number + account number; the others are null.
 */
export interface BankAccount {
  readonly name: string;
  readonly iban: string | null;
  readonly sortCode: string | null;
  readonly routingNumber: string | null;
  readonly accountNumber: string | null;
}

/** A bank account as a request names it (validated against its schema, not yet checked). */
export interface BankAccountInput {
  readonly name: string;
  readonly iban?: string | undefined;
  readonly sortCode?: string | undefined;
  readonly routingNumber?: string | undefined;
  readonly accountNumber?: string | undefined;
}

function invalid(field: string, message: string): CofferError {
  return new CofferError('validation_failed', `${field}: ${message}.`, [{ field, message }]);
}

/**
 * Checks a bank account: an IBAN with valid ISO 13616 check digits (spaces allowed, stored in
 * electronic format), a 6-digit sort code with an 8-digit account number, or a 9-digit routing
 * number passing the ABA checksum with a 4 to 17 digit account number.
 */
export function checkBankAccount(input: BankAccountInput, field: string): BankAccount {
  const name = input.name.trim();
  if (name.length === 0) throw invalid(`${field}.name`, 'the account holder name is required');
  const ways = [input.iban !== undefined, input.sortCode !== undefined, input.routingNumber !== undefined].filter(Boolean).length;
  if (ways !== 1) throw invalid(field, 'name the account by exactly one of iban, sortCode + accountNumber, routingNumber + accountNumber');
  const none = { name, iban: null, sortCode: null, routingNumber: null, accountNumber: null };
  if (input.iban !== undefined) {
    if (input.accountNumber !== undefined) throw invalid(`${field}.accountNumber`, 'an IBAN account takes no separate account number');
    const iban = electronicFormatIBAN(input.iban) ?? '';
    if (!isValidIBAN(iban)) throw invalid(`${field}.iban`, 'not a valid IBAN (ISO 13616 check digits)');
    return { ...none, iban };
  }
  const accountNumber = input.accountNumber ?? '';
  if (input.sortCode !== undefined) {
    if (!/^[0-9]{6}$/.test(input.sortCode.replace(/-/g, ''))) throw invalid(`${field}.sortCode`, 'a sort code is 6 digits');
    if (!/^[0-9]{8}$/.test(accountNumber)) throw invalid(`${field}.accountNumber`, 'a UK account number is 8 digits');
    return { ...none, sortCode: input.sortCode.replace(/-/g, ''), accountNumber };
  }
  const routingNumber = input.routingNumber ?? '';
  if (!isValidRoutingNumber(routingNumber)) throw invalid(`${field}.routingNumber`, 'a routing number is 9 digits passing the ABA checksum');
  if (!/^[0-9]{4,17}$/.test(accountNumber)) throw invalid(`${field}.accountNumber`, 'a US account number is 4 to 17 digits');
  return { ...none, routingNumber, accountNumber };
}
