import type { RuntimeContext } from '../../../services/runtime.js';
import type { TypedApp } from '../../typed-app.js';
import { compatCoinRoutes } from './coins.js';
import { compatCurrencyRoutes } from './currencies.js';
import { compatPayneticsRoutes } from './paynetics.js';
import { compatPaysafeRoutes } from './paysafe.js';
import { compatWalletRoutes } from './wallets.js';

/** The seeds' drop-in views (PRODUCT §12), one file per seed, over the same services as /v1. */
export function compatRoutes(app: TypedApp, context: RuntimeContext): void {
  compatCurrencyRoutes(app, context);
  compatCoinRoutes(app, context);
  compatPayneticsRoutes(app, context);
  compatWalletRoutes(app, context);
  compatPaysafeRoutes(app, context);
}
