import { Type } from 'typebox';
import { requestedWalletStatuses, walletStatusReasons } from '../../domain/wallet-status.js';
import { limits } from '../../domain/limits.js';
import { Nullable } from './common.js';

export const WalletStatusChange = Type.Object(
  {
    status: Type.Enum([...requestedWalletStatuses], { description: '`inactive` is an alias of `blocked`; `closed` is final.' }),
    reason: Type.Optional(Nullable(Type.Enum([...walletStatusReasons], { description: 'Why the status changes: one of the documented reasons (optional).' }))),
    description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  },
  { additionalProperties: false },
);

export const WalletTerminate = Type.Object(
  {
    reason: Type.Optional(Nullable(Type.Enum([...walletStatusReasons]))),
    description: Type.Optional(Nullable(Type.String({ maxLength: limits.textLengthMax }))),
  },
  { additionalProperties: false },
);
