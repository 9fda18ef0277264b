import type { Config } from '../config.js';
import type { Store } from '../store/store.js';

/** What every use case needs: storage, the clock (time is passed in, never read in the domain) and settings. */
export interface ServiceContext {
  readonly store: Store;
  readonly clock: () => Date;
  readonly config: Config;
}
