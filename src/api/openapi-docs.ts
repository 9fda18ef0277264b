import type { FastifySchema } from 'fastify';

/**
 * The prose and examples of every operation in the OpenAPI document, by `METHOD /path` (Fastify's
 * path syntax, `:id`). They are documentation only: `documentOperation` is @fastify/swagger's
 * `transform`, so they reach the document and never a route's validation or serialization.
 *
 * A new route adds its entry here (test/api/openapi-examples.test.ts names an operation that lacks
 * a summary, a description or an example, and validates every example against its schema). A route
 * may instead carry its own: `summary`/`description` in its schema and `example(Schema, value)`
 * (src/api/schemas/common.ts) on its body or success response; those win over this table.
 */
export interface OperationDoc {
  /** Only for routes whose schema has none. */
  readonly summary?: string;
  /** What it does, the scope/role it needs and whether a retry is safe (only if the schema has none). */
  readonly description?: string;
  /** An example request body (operations with a body). */
  readonly request?: unknown;
  /** An example of the success answer (every 2xx response of the operation). */
  readonly response?: unknown;
}

export const operationDocs: Readonly<Record<string, OperationDoc>> = {
  'GET /healthz': {
    summary: 'Liveness probe',
    description: 'Answers 200 while the process is up; it touches no database. Public: no API key is needed.',
    response: {
      status: 'ok',
    },
  },
  'GET /readyz': {
    summary: 'Readiness probe',
    description:
      'Answers 200 when the server can take traffic, and 503 while it drains, its database is unreachable or migrations are pending. Public: no API key is needed.',
    response: {
      status: 'ready',
    },
  },
  'POST /v1/currencies': {
    description:
      'Creates a currency with its system accounts (issuing, settlement, fees). Needs an admin key with the write scope; not idempotent (a second call creates a second currency).',
    request: {
      code: 'EUR',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      assetType: 'fiat',
    },
    response: {
      id: '93731611-d498-4123-993b-9e7dc23edc23',
      code: 'EUR',
      numericCode: '978',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      assetType: 'fiat',
      active: true,
      serialPrefix: 'EUR',
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'GET /v1/currencies': {
    description: 'Lists every currency, active or not. Needs the read scope; any key (admin or merchant) may list them.',
    response: {
      data: [
        {
          id: '93731611-d498-4123-993b-9e7dc23edc23',
          code: 'EUR',
          numericCode: '978',
          name: 'Euro',
          symbol: '€',
          fraction: 2,
          assetType: 'fiat',
          active: true,
          serialPrefix: 'EUR',
          createdAt: '2026-03-14T09:26:53.000Z',
          updatedAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/currencies/iso/:code': {
    request: {
      name: 'Euro',
      symbol: '€',
    },
    response: {
      id: '93731611-d498-4123-993b-9e7dc23edc23',
      code: 'EUR',
      numericCode: '978',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      assetType: 'fiat',
      active: true,
      serialPrefix: 'EUR',
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'GET /v1/currencies/:id': {
    description: 'Returns one currency by its id. Needs the read scope.',
    response: {
      id: '93731611-d498-4123-993b-9e7dc23edc23',
      code: 'EUR',
      numericCode: '978',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      assetType: 'fiat',
      active: true,
      serialPrefix: 'EUR',
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'PATCH /v1/currencies/:id': {
    description:
      'Changes the presentation fields of a currency; its code and fraction never change. Needs an admin key with the write scope; applying the same patch twice gives the same result.',
    request: {
      name: 'Euro',
      symbol: '€',
    },
    response: {
      id: '93731611-d498-4123-993b-9e7dc23edc23',
      code: 'EUR',
      numericCode: '978',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      assetType: 'fiat',
      active: true,
      serialPrefix: 'EUR',
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'POST /v1/wallets': {
    description:
      "Creates a wallet in one currency for a merchant's customer. Needs the write scope (and issue for a non-zero creditLimit); a retry with the same externalId answers the wallet created first (200).",
    request: {
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      name: 'Main EUR wallet',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      program: 'consumer-eur',
      metadata: {
        crmId: 'C-88213',
      },
    },
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      serial: 'EUR000001042',
      name: 'Main EUR wallet',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      category: 'client',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      alias: null,
      program: 'consumer-eur',
      main: false,
      accounting: false,
      creditLimit: '0',
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'active',
      statusReason: null,
      statusDescription: null,
      statusChangedAt: null,
      statusChangedBy: null,
      metadata: {
        crmId: 'C-88213',
      },
      balance: {
        posted: '125000',
        held: '1050',
        pending: '0',
        available: '123950',
        ledger: '125000',
        creditLimit: '0',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      currency: {
        id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
        code: 'EUR',
        symbol: '€',
        fraction: 2,
        assetType: 'fiat',
      },
    },
  },
  'POST /v1/wallets/bulk': {
    description:
      'Creates up to 1,000 wallets in one request, each exactly as POST /v1/wallets would (same fields, same checks; an externalId already there answers its wallet, status existing), and each on its own: a refused item (status failed, with the problem code) leaves no trace and the others still apply. Bad input (the schema, an amount that is not one) refuses the whole request, naming the item. Needs the write scope (and issue for a non-zero creditLimit). Safe to send again: every item with an externalId is found instead of created twice. `coffer import wallets` uses it.',
    request: {
      items: [
        {
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          name: 'Main EUR wallet',
          type: 'customer',
          merchantId: 'shop-eu-01',
          customerId: 'customer-1042',
          externalId: 'customer-1042',
          program: 'consumer-eur',
          metadata: {
            crmId: 'C-88213',
          },
        },
        { currencyId: '00000000-0000-4000-8000-000000000000', externalId: 'customer-1043' },
      ],
    },
    response: {
      created: 1,
      existing: 0,
      failed: 1,
      results: [
        {
          index: 0,
          status: 'created',
          wallet: {
            id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
            serial: 'EUR000001042',
            name: 'Main EUR wallet',
            currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
            category: 'client',
            type: 'customer',
            merchantId: 'shop-eu-01',
            customerId: 'customer-1042',
            externalId: 'customer-1042',
            alias: null,
            program: 'consumer-eur',
            main: false,
            accounting: false,
            creditLimit: '0',
            lowBalanceThreshold: null,
            parentWalletId: null,
            status: 'active',
            statusReason: null,
            statusDescription: null,
            statusChangedAt: null,
            statusChangedBy: null,
            metadata: {
              crmId: 'C-88213',
            },
            balance: {
              posted: '125000',
              held: '1050',
              pending: '0',
              available: '123950',
              ledger: '125000',
              creditLimit: '0',
            },
            createdAt: '2026-03-14T09:26:53.000Z',
            updatedAt: '2026-03-14T09:26:53.000Z',
            currency: {
              id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
              code: 'EUR',
              symbol: '€',
              fraction: 2,
              assetType: 'fiat',
            },
          },
        },
        { index: 1, status: 'failed', error: { code: 'not_found', detail: 'No currency with id 00000000-0000-4000-8000-000000000000.' } },
      ],
    },
  },
  'GET /v1/wallets': {
    description: 'Lists wallets page by page, filtered by customer, currency, status and more. Needs the read scope; a merchant key sees only its own wallets.',
    response: {
      data: [
        {
          id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          serial: 'EUR000001042',
          name: 'Main EUR wallet',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          category: 'client',
          type: 'customer',
          merchantId: 'shop-eu-01',
          customerId: 'customer-1042',
          externalId: 'customer-1042',
          alias: null,
          program: 'consumer-eur',
          main: false,
          accounting: false,
          creditLimit: '0',
          lowBalanceThreshold: null,
          parentWalletId: null,
          status: 'active',
          statusReason: null,
          statusDescription: null,
          statusChangedAt: null,
          statusChangedBy: null,
          metadata: {
            crmId: 'C-88213',
          },
          balance: {
            posted: '125000',
            held: '1050',
            pending: '0',
            available: '123950',
            ledger: '125000',
            creditLimit: '0',
          },
          createdAt: '2026-03-14T09:26:53.000Z',
          updatedAt: '2026-03-14T09:26:53.000Z',
          currency: {
            id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
            code: 'EUR',
            symbol: '€',
            fraction: 2,
            assetType: 'fiat',
          },
        },
      ],
      nextCursor: 'MTcxMDQwODAxMzAwMHw0MQ',
    },
  },
  'GET /v1/wallets/:id': {
    description: "Returns one wallet with its current balance. Needs the read scope; another merchant's wallet answers 404.",
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      serial: 'EUR000001042',
      name: 'Main EUR wallet',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      category: 'client',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      alias: null,
      program: 'consumer-eur',
      main: false,
      accounting: false,
      creditLimit: '0',
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'active',
      statusReason: null,
      statusDescription: null,
      statusChangedAt: null,
      statusChangedBy: null,
      metadata: {
        crmId: 'C-88213',
      },
      balance: {
        posted: '125000',
        held: '1050',
        pending: '0',
        available: '123950',
        ledger: '125000',
        creditLimit: '0',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      currency: {
        id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
        code: 'EUR',
        symbol: '€',
        fraction: 2,
        assetType: 'fiat',
      },
    },
  },
  'PATCH /v1/wallets/:id': {
    description:
      'Changes the editable fields of a wallet. Needs the write scope (and issue to change creditLimit); applying the same patch twice gives the same result.',
    request: {
      name: 'Holiday savings',
      metadata: {
        crmId: 'C-88213',
      },
    },
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      serial: 'EUR000001042',
      name: 'Holiday savings',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      category: 'client',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      alias: null,
      program: 'consumer-eur',
      main: false,
      accounting: false,
      creditLimit: '0',
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'active',
      statusReason: null,
      statusDescription: null,
      statusChangedAt: null,
      statusChangedBy: null,
      metadata: {
        crmId: 'C-88213',
      },
      balance: {
        posted: '125000',
        held: '1050',
        pending: '0',
        available: '123950',
        ledger: '125000',
        creditLimit: '0',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      currency: {
        id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
        code: 'EUR',
        symbol: '€',
        fraction: 2,
        assetType: 'fiat',
      },
    },
  },
  'DELETE /v1/wallets/:id': {
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      serial: 'EUR000001042',
      name: 'Main EUR wallet',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      category: 'client',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      alias: null,
      program: 'consumer-eur',
      main: false,
      accounting: false,
      creditLimit: '0',
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'closed',
      statusReason: 'customer_request',
      statusDescription: 'Account closed at the customer request',
      statusChangedAt: '2026-03-14T09:26:53.000Z',
      statusChangedBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      metadata: {
        crmId: 'C-88213',
      },
      balance: {
        posted: '0',
        held: '0',
        pending: '0',
        available: '0',
        ledger: '0',
        creditLimit: '0',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      currency: {
        id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
        code: 'EUR',
        symbol: '€',
        fraction: 2,
        assetType: 'fiat',
      },
    },
  },
  'GET /v1/wallets/:id/balance': {
    description:
      'Returns the posted, held, pending and available balance now or at a past instant, optionally valued in another currency. Needs the read scope.',
    response: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      at: '2026-03-14T09:26:53.000Z',
      balance: {
        posted: '125000',
        held: '1050',
        pending: '0',
        available: '123950',
        ledger: '125000',
        creditLimit: '0',
      },
    },
  },
  'GET /v1/wallets/:id/entries': {
    description: 'Lists the posted ledger entries of a wallet, newest first, each with the balance after it. Needs the read scope.',
    response: {
      data: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '1050',
          pending: false,
          balanceAfter: '125000',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: 'MTcxMDQwODAxMzAwMHw0MQ',
    },
  },
  'POST /v1/topups': {
    description:
      "Credits a wallet from its currency's issuing account: this creates money. Needs the write and issue scopes; send an Idempotency-Key so that a retry replays the first answer instead of paying twice.",
    request: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      amount: '1050',
      description: 'Card payment received',
      reference: 'psp-ch-3Nf8kL2',
      metadata: {
        orderId: '1042',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'topup',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: null,
      toWalletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      description: 'Card payment received',
      reference: 'psp-ch-3Nf8kL2',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'topup',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '1050',
          pending: false,
          balanceAfter: '125000',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'POST /v1/withdrawals': {
    description:
      "Debits a wallet to its currency's settlement account (a payout). Needs the write scope; send an Idempotency-Key so that a retry replays the first answer instead of paying twice.",
    request: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      amount: '1050',
      description: 'Payout to bank account',
      reference: 'payout-2026-03-14-17',
      metadata: {
        orderId: '1042',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'withdrawal',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      toWalletId: null,
      description: 'Payout to bank account',
      reference: 'payout-2026-03-14-17',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'withdrawal',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'debit',
          amount: '1050',
          pending: false,
          balanceAfter: '123950',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'POST /v1/transfers': {
    description:
      'Moves money between two wallets of the same currency, with optional fees. Needs the write scope; send an Idempotency-Key so that a retry replays the first answer instead of moving money twice.',
    request: {
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      amount: '1050',
      description: 'Order #1042',
      reference: 'order-1042',
      metadata: {
        orderId: '1042',
      },
      fees: [
        {
          amount: '25',
          description: 'Transfer fee',
        },
      ],
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'transfer',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      description: 'Order #1042',
      reference: 'order-1042',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [
        {
          amount: '25',
          description: 'Transfer fee',
        },
      ],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          walletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'debit',
          amount: '1075',
          pending: false,
          balanceAfter: '48925',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
        {
          id: 'a4c2e6f8-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          walletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '1050',
          pending: false,
          balanceAfter: '12050',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'POST /v1/adjustments': {
    description:
      'Posts an operator correction between a wallet and a system account, with a mandatory reason. Needs an admin key with the write and issue scopes; send an Idempotency-Key so that a retry replays the first answer.',
    request: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      amount: '1050',
      direction: 'credit',
      reason: 'Refund of a duplicate card charge',
      description: 'Manual correction',
      reference: 'ticket-5521',
      metadata: {
        orderId: '1042',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'adjustment',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: null,
      toWalletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      description: 'Manual correction',
      reference: 'ticket-5521',
      reason: 'Refund of a duplicate card charge',
      metadata: {
        orderId: '1042',
      },
      fees: [],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'adjustment',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '1050',
          pending: false,
          balanceAfter: '125000',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'POST /v1/transactions/:id/reverse': {
    description:
      'Posts the opposite movement of a posted transaction, for all or part of its amount. Needs the write scope (an admin key for a movement between two merchants); send an Idempotency-Key so that a retry replays the first answer.',
    request: {
      amount: '500',
      description: 'Partial refund',
      reference: 'refund-1042',
      metadata: {
        orderId: '1042',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'reversal',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '500',
      fromWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      toWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      description: 'Partial refund',
      reference: 'refund-1042',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [],
      reversesId: 'cc702a2a-49ab-458c-92da-6d0f7e67e633',
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'reversal',
          walletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'debit',
          amount: '500',
          pending: false,
          balanceAfter: '11550',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
        {
          id: 'a4c2e6f8-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'reversal',
          walletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '500',
          pending: false,
          balanceAfter: '49425',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'GET /v1/transactions': {
    description:
      'Lists transactions page by page, filtered by wallet, kind, status, reference and time. Needs the read scope; a merchant key sees only its own movements.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          status: 'posted',
          merchantId: 'shop-eu-01',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          amount: '1050',
          fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          description: 'Order #1042',
          reference: 'order-1042',
          reason: null,
          metadata: {
            orderId: '1042',
          },
          fees: [
            {
              amount: '25',
              description: 'Transfer fee',
            },
          ],
          reversesId: null,
          reversedAmount: '0',
          createdAt: '2026-03-14T09:26:53.000Z',
          postedAt: '2026-03-14T09:26:53.000Z',
          exchange: null,
        },
      ],
      nextCursor: 'MTcxMDQwODAxMzAwMHw0MQ',
    },
  },
  'GET /v1/transactions/:id': {
    description: 'Returns one transaction with its ledger entries. Needs the read scope.',
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'transfer',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      description: 'Order #1042',
      reference: 'order-1042',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [
        {
          amount: '25',
          description: 'Transfer fee',
        },
      ],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: null,
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          walletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'debit',
          amount: '1075',
          pending: false,
          balanceAfter: '48925',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
        {
          id: 'a4c2e6f8-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'transfer',
          walletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'credit',
          amount: '1050',
          pending: false,
          balanceAfter: '12050',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'POST /v1/batches': {
    description:
      'Posts up to many top-ups, withdrawals, transfers and adjustments in one request, either all or nothing (atomic) or each on its own. Needs the write scope (issue for the kinds that create money); send an Idempotency-Key so that a retry replays the first answer.',
    request: {
      atomic: true,
      items: [
        {
          kind: 'topup',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          amount: '1050',
          description: 'Card payment received',
          reference: 'psp-ch-3Nf8kL2',
          metadata: {
            orderId: '1042',
          },
        },
      ],
    },
    response: {
      atomic: true,
      succeeded: 1,
      failed: 0,
      results: [
        {
          index: 0,
          status: 'posted',
          transaction: {
            id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
            kind: 'topup',
            status: 'posted',
            merchantId: 'shop-eu-01',
            currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
            amount: '1050',
            fromWalletId: null,
            toWalletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
            description: 'Card payment received',
            reference: 'psp-ch-3Nf8kL2',
            reason: null,
            metadata: {
              orderId: '1042',
            },
            fees: [],
            reversesId: null,
            reversedAmount: '0',
            createdAt: '2026-03-14T09:26:53.000Z',
            postedAt: '2026-03-14T09:26:53.000Z',
            exchange: null,
          },
        },
      ],
    },
  },
  'GET /v1/reports/trial-balance': {
    description: "Sums every account by currency and account type; each currency's totals sum to zero. Needs an admin key with the read scope.",
    response: {
      data: [
        {
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          posted: '0',
          pending: '0',
          balanced: true,
          lines: [
            {
              category: 'client',
              type: 'customer',
              wallets: 1042,
              posted: '125000',
              pending: '0',
            },
            {
              category: 'system',
              type: 'issuing',
              wallets: 1,
              posted: '-125000',
              pending: '0',
            },
          ],
        },
      ],
    },
  },
  'GET /v1/reports/verify': {
    description:
      'Recomputes every balance from the journal and checks the hash chain, naming the first discrepancy found. Needs an admin key with the read scope; it changes nothing.',
    response: {
      ok: true,
      walletsChecked: 1042,
      firstDiscrepancy: null,
      journal: {
        links: 1042,
        head: '1042:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        firstBrokenLink: null,
      },
    },
  },
  'POST /v1/api-keys': {
    description:
      'Creates an admin or merchant API key; the secret key is in this answer only. Needs an admin key with the write scope; not idempotent (each call creates a new key).',
    request: {
      name: 'Checkout service',
      role: 'merchant',
      merchantId: 'shop-eu-01',
      scopes: ['read', 'write'],
    },
    response: {
      id: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      name: 'Checkout service',
      prefix: 'coffer_sk_2b7e',
      last4: 'oYt2',
      role: 'merchant',
      merchantId: 'shop-eu-01',
      scopes: ['read', 'write'],
      rateLimitPerMinute: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      revokedAt: null,
      key: 'coffer_sk_2b7eQm9TfX4rLc8pVw1ZkN6yHd3sJg5uBa0eRi7oYt2',
    },
  },
  'GET /v1/api-keys': {
    description: 'Lists API keys with a hint of each key, never the key itself. Needs an admin key with the read scope.',
    response: {
      data: [
        {
          id: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
          name: 'Checkout service',
          prefix: 'coffer_sk_2b7e',
          last4: 'oYt2',
          role: 'merchant',
          merchantId: 'shop-eu-01',
          scopes: ['read', 'write'],
          rateLimitPerMinute: null,
          createdAt: '2026-03-14T09:26:53.000Z',
          revokedAt: null,
        },
      ],
      nextCursor: null,
    },
  },
  'PATCH /v1/api-keys/:id': {
    request: {
      scopes: ['read', 'write'],
      rateLimitPerMinute: 600,
    },
    response: {
      id: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      name: 'Checkout service',
      prefix: 'coffer_sk_2b7e',
      last4: 'oYt2',
      role: 'merchant',
      merchantId: 'shop-eu-01',
      scopes: ['read', 'write'],
      rateLimitPerMinute: 600,
      createdAt: '2026-03-14T09:26:53.000Z',
      revokedAt: null,
    },
  },
  'POST /v1/api-keys/:id/revoke': {
    description: 'Revokes an API key at once; a revoked key answers 401 from then on. Needs an admin key with the write scope.',
    response: {
      id: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      name: 'Checkout service',
      prefix: 'coffer_sk_2b7e',
      last4: 'oYt2',
      role: 'merchant',
      merchantId: 'shop-eu-01',
      scopes: ['read', 'write'],
      rateLimitPerMinute: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      revokedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'POST /v1/holds': {
    description:
      "Reserves an amount of a wallet's available balance until it is captured, voided or expires. Needs the write scope; send an Idempotency-Key so that a retry replays the first answer instead of holding twice.",
    request: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      amount: '1050',
      expiresAt: '2026-03-21T09:26:53.000Z',
      description: 'Hotel booking deposit',
      reference: 'booking-7731',
      metadata: {
        bookingId: '7731',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'pending',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Hotel booking deposit',
      reference: 'booking-7731',
      metadata: {
        bookingId: '7731',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: null,
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      capturedAmount: null,
      expiresAt: '2026-03-21T09:26:53.000Z',
    },
  },
  'GET /v1/holds': {
    description: 'Lists holds page by page, newest first, filtered by wallet and status. Needs the read scope.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          status: 'pending',
          merchantId: 'shop-eu-01',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          amount: '1050',
          description: 'Hotel booking deposit',
          reference: 'booking-7731',
          metadata: {
            bookingId: '7731',
          },
          createdAt: '2026-03-14T09:26:53.000Z',
          resolvedAt: null,
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          capturedAmount: null,
          expiresAt: '2026-03-21T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/holds/:id/capture': {
    description:
      'Posts all or part of a held amount as a payment; the rest is released. Needs the write scope (an admin key for a hold between two merchants); send an Idempotency-Key so that a retry replays the first answer.',
    request: {
      amount: '800',
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Hotel booking deposit',
      reference: 'booking-7731',
      metadata: {
        bookingId: '7731',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: '2026-03-14T09:26:53.000Z',
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      capturedAmount: '800',
      expiresAt: '2026-03-21T09:26:53.000Z',
    },
  },
  'POST /v1/holds/:id/void': {
    description:
      'Releases a hold without moving money. Needs the write scope (an admin key for a hold between two merchants); send an Idempotency-Key so that a retry replays the first answer.',
    request: {},
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'voided',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Hotel booking deposit',
      reference: 'booking-7731',
      metadata: {
        bookingId: '7731',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: '2026-03-14T09:26:53.000Z',
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      capturedAmount: null,
      expiresAt: '2026-03-21T09:26:53.000Z',
    },
  },
  'GET /v1/holds/:id': {
    description: 'Returns one hold with its status and captured amount. Needs the read scope.',
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'pending',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Hotel booking deposit',
      reference: 'booking-7731',
      metadata: {
        bookingId: '7731',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: null,
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      capturedAmount: null,
      expiresAt: '2026-03-21T09:26:53.000Z',
    },
  },
  'POST /v1/pending-credits': {
    description:
      'Announces money on its way to a wallet: it shows in the pending balance until settled or failed. Needs the write scope (and issue when there is no fromWalletId); send an Idempotency-Key so that a retry replays the first answer.',
    request: {
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      amount: '1050',
      description: 'Incoming SEPA transfer',
      reference: 'sepa-e2e-88213',
      metadata: {
        endToEndId: '88213',
      },
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'pending',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Incoming SEPA transfer',
      reference: 'sepa-e2e-88213',
      metadata: {
        endToEndId: '88213',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: null,
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      settledAmount: null,
    },
  },
  'GET /v1/pending-credits': {
    description: 'Lists pending credits page by page, newest first, filtered by wallet and status. Needs the read scope.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          status: 'pending',
          merchantId: 'shop-eu-01',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          amount: '1050',
          description: 'Incoming SEPA transfer',
          reference: 'sepa-e2e-88213',
          metadata: {
            endToEndId: '88213',
          },
          createdAt: '2026-03-14T09:26:53.000Z',
          resolvedAt: null,
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          settledAmount: null,
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/pending-credits/:id/settle': {
    description:
      'Posts a pending credit: the money becomes available on the wallet. Needs the write scope (an admin key for a credit between two merchants); send an Idempotency-Key so that a retry replays the first answer.',
    request: {},
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Incoming SEPA transfer',
      reference: 'sepa-e2e-88213',
      metadata: {
        endToEndId: '88213',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: '2026-03-14T09:26:53.000Z',
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      settledAmount: '1050',
    },
  },
  'POST /v1/pending-credits/:id/fail': {
    description:
      'Drops a pending credit without posting it. Needs the write scope (an admin key for a credit between two merchants); send an Idempotency-Key so that a retry replays the first answer.',
    request: {},
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'failed',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Incoming SEPA transfer',
      reference: 'sepa-e2e-88213',
      metadata: {
        endToEndId: '88213',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: '2026-03-14T09:26:53.000Z',
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      settledAmount: null,
    },
  },
  'GET /v1/pending-credits/:id': {
    description: 'Returns one pending credit with its status. Needs the read scope.',
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      status: 'pending',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      description: 'Incoming SEPA transfer',
      reference: 'sepa-e2e-88213',
      metadata: {
        endToEndId: '88213',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      resolvedAt: null,
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      settledAmount: null,
    },
  },
  'POST /v1/wallets/:id/status': {
    description: 'Blocks, reactivates or closes a wallet, recording the reason; closing is final. Needs the write scope.',
    request: {
      status: 'blocked',
      reason: 'suspected_fraud',
      description: 'Chargeback pattern flagged by risk',
    },
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      serial: 'EUR000001042',
      name: 'Main EUR wallet',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      category: 'client',
      type: 'customer',
      merchantId: 'shop-eu-01',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      alias: null,
      program: 'consumer-eur',
      main: false,
      accounting: false,
      creditLimit: '0',
      lowBalanceThreshold: null,
      parentWalletId: null,
      status: 'blocked',
      statusReason: 'suspected_fraud',
      statusDescription: 'Chargeback pattern flagged by risk',
      statusChangedAt: '2026-03-14T09:26:53.000Z',
      statusChangedBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      metadata: {
        crmId: 'C-88213',
      },
      balance: {
        posted: '125000',
        held: '1050',
        pending: '0',
        available: '123950',
        ledger: '125000',
        creditLimit: '0',
      },
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      currency: {
        id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
        code: 'EUR',
        symbol: '€',
        fraction: 2,
        assetType: 'fiat',
      },
    },
  },
  'GET /v1/wallets/:id/status-history': {
    response: {
      data: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          status: 'blocked',
          previousStatus: 'active',
          reason: 'suspected_fraud',
          description: 'Chargeback pattern flagged by risk',
          changedBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
          changedAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'GET /v1/wallets/:id/instruments': {
    description: 'Lists the bank identifiers (IBAN, UK sort code and account number, US routing and account number) of a wallet. Needs the read scope.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          kind: 'iban',
          iban: 'DE89370400440532013000',
          sortCode: null,
          routingNumber: null,
          accountNumber: null,
          active: true,
          createdAt: '2026-03-14T09:26:53.000Z',
          deactivatedAt: null,
        },
      ],
    },
  },
  'GET /v1/instruments': {
    description: 'Finds the wallet that an IBAN or a UK or US account number belongs to. Needs the read scope; a merchant key finds only its own wallets.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          kind: 'iban',
          iban: 'DE89370400440532013000',
          sortCode: null,
          routingNumber: null,
          accountNumber: null,
          active: true,
          createdAt: '2026-03-14T09:26:53.000Z',
          deactivatedAt: null,
        },
      ],
    },
  },
  'POST /v1/wallets/:id/cards': {
    description:
      'Issues a plastic or virtual card on a wallet; only the masked number is ever shown. Needs the write scope; not idempotent (each call issues a new card).',
    request: {
      kind: 'plastic',
      name: 'JANE DOE',
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      kind: 'plastic',
      maskedNumber: '424242******4242',
      name: 'JANE DOE',
      expirationDate: '2026-03-14',
      expirationStatus: 'ACTIVE',
      active: true,
      frozen: false,
      createdAt: '2026-03-14T09:26:53.000Z',
      destroyedAt: null,
    },
  },
  'GET /v1/wallets/:id/cards': {
    description: 'Lists the cards of a wallet with masked numbers only. Needs the read scope.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          kind: 'plastic',
          maskedNumber: '424242******4242',
          name: 'JANE DOE',
          expirationDate: '2026-03-14',
          expirationStatus: 'ACTIVE',
          active: true,
          frozen: false,
          createdAt: '2026-03-14T09:26:53.000Z',
          destroyedAt: null,
        },
      ],
    },
  },
  'GET /v1/events': {
    description: 'Lists events in commit order from a cursor or a feed position, with no gaps. Needs the read scope; a merchant key sees only its own events.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          position: '1042',
          type: 'transaction.posted',
          merchantId: 'shop-eu-01',
          subjectId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          data: {
            kind: 'topup',
            walletId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
            amount: '1050',
            currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          },
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: 'MTcxMDQwODAxMzAwMHw0MQ',
    },
  },
  'GET /v1/events/stream': {
    response:
      'id: 1042\nevent: transaction.posted\ndata: {"id":"52da5bc4-4d85-473e-889e-8db63ef2370b","position":"1042","type":"transaction.posted","merchantId":"shop-eu-01","subjectId":"52da5bc4-4d85-473e-889e-8db63ef2370b","data":{"kind":"topup","amount":"1050"},"createdAt":"2026-03-14T09:26:53.000Z"}\n\n',
  },
  'GET /v1/audit-log': {
    description:
      'Lists audit records page by page, newest first, each with the key, request, time and the change made. Needs the read scope; a merchant key sees only its own records.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          action: 'wallet.update',
          subjectType: 'wallet',
          subjectId: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
          merchantId: 'shop-eu-01',
          apiKeyId: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
          requestId: '0f3c5e7a-9b1d-4f26-8a4c-6e8b0d2f4a61',
          changes: {
            name: {
              before: 'Main EUR wallet',
              after: 'Holiday savings',
            },
          },
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/webhooks': {
    description:
      'Registers an endpoint URL for the chosen event types; the signing secret is in this answer only. Needs the write scope; not idempotent (each call registers a new endpoint).',
    request: {
      url: 'https://shop.example.com/webhooks/coffer',
      description: 'Order service notifications',
      eventTypes: ['transaction.posted', 'transaction.reversed'],
      merchantId: 'shop-eu-01',
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      merchantId: 'shop-eu-01',
      url: 'https://shop.example.com/webhooks/coffer',
      description: 'Order service notifications',
      eventTypes: ['transaction.posted', 'transaction.reversed'],
      status: 'active',
      disabledReason: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    },
  },
  'GET /v1/webhooks': {
    description: 'Lists webhook endpoints without their secrets. Needs the read scope; a merchant key sees only its own.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          merchantId: 'shop-eu-01',
          url: 'https://shop.example.com/webhooks/coffer',
          description: 'Order service notifications',
          eventTypes: ['transaction.posted', 'transaction.reversed'],
          status: 'active',
          disabledReason: null,
          createdAt: '2026-03-14T09:26:53.000Z',
          updatedAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'GET /v1/webhooks/:id': {
    description: 'Returns one webhook endpoint without its secret. Needs the read scope.',
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      merchantId: 'shop-eu-01',
      url: 'https://shop.example.com/webhooks/coffer',
      description: 'Order service notifications',
      eventTypes: ['transaction.posted', 'transaction.reversed'],
      status: 'active',
      disabledReason: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'PATCH /v1/webhooks/:id': {
    description:
      "Changes a webhook endpoint's URL, event types or description, or disables or re-enables it. Needs the write scope; applying the same patch twice gives the same result.",
    request: {
      eventTypes: ['transaction.posted', 'transaction.reversed'],
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      merchantId: 'shop-eu-01',
      url: 'https://shop.example.com/webhooks/coffer',
      description: 'Order service notifications',
      eventTypes: ['transaction.posted', 'transaction.reversed'],
      status: 'active',
      disabledReason: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'GET /v1/webhooks/:id/deliveries': {
    description: 'Lists the deliveries of an endpoint, newest first, each with its attempts and their answers. Needs the read scope.',
    response: {
      data: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          webhookId: '3d9b7c51-6e2a-4f08-8b4c-1a7e5f2d9c60',
          endpointId: 'a39d5622-e17c-483d-a798-a37c53648b08',
          eventId: '291820c8-323b-4121-9898-ab2c7a8ba31e',
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: null,
          lastStatusCode: 200,
          lastError: null,
          createdAt: '2026-03-14T09:26:53.000Z',
          updatedAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/webhooks/:id/rotate-secret': {
    request: {},
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      merchantId: 'shop-eu-01',
      url: 'https://shop.example.com/webhooks/coffer',
      description: 'Order service notifications',
      eventTypes: ['transaction.posted', 'transaction.reversed'],
      status: 'active',
      disabledReason: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      secret: 'whsec_Zx3vN7qLk2PfR9tYb6WcD1mHs8JgA4Ue',
      previousSecretExpiresAt: '2026-03-15T09:26:53.000Z',
    },
  },
  'POST /v1/webhooks/:id/deliveries/:deliveryId/replay': {
    description: 'Queues a delivery to be sent again with the same webhook-id, so that the receiver can deduplicate it. Needs the write scope.',
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      webhookId: '3d9b7c51-6e2a-4f08-8b4c-1a7e5f2d9c60',
      endpointId: 'a39d5622-e17c-483d-a798-a37c53648b08',
      eventId: '291820c8-323b-4121-9898-ab2c7a8ba31e',
      status: 'pending',
      attempts: 0,
      nextAttemptAt: '2026-03-14T09:26:53.000Z',
      lastStatusCode: null,
      lastError: null,
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'PUT /v1/rates/:baseCurrencyId/:quoteCurrencyId': {
    description:
      'Sets the exchange rate of an ordered currency pair; the previous rate stays in the history. Needs an admin key with the write scope; putting the same rate again is harmless.',
    request: {
      rate: '1.0842',
    },
    response: {
      baseCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      quoteCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
      rate: '1.0842',
      setBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      setAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'GET /v1/rates/:baseCurrencyId/:quoteCurrencyId': {
    description: 'Returns the current rate of an ordered currency pair. Needs the read scope.',
    response: {
      baseCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      quoteCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
      rate: '1.0842',
      setBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
      setAt: '2026-03-14T09:26:53.000Z',
    },
  },
  'GET /v1/rates': {
    description: 'Lists the current rate of every pair that has one. Needs the read scope.',
    response: {
      data: [
        {
          baseCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          quoteCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
          rate: '1.0842',
          setBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
          setAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'GET /v1/rates/:baseCurrencyId/:quoteCurrencyId/history': {
    description: 'Lists every rate a pair has had, newest first. Needs the read scope.',
    response: {
      data: [
        {
          baseCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          quoteCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
          rate: '1.0842',
          setBy: 'f38d73a3-fe00-48e9-931f-18594509c7b6',
          setAt: '2026-03-14T09:26:53.000Z',
        },
      ],
      nextCursor: null,
    },
  },
  'POST /v1/quotes': {
    description:
      'Locks the current rate for one exchange of this amount until the quote expires. Needs the write scope; send an Idempotency-Key so that a retry replays the first quote.',
    request: {
      fromCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      toCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
      amount: '1050',
    },
    response: {
      id: 'e0a41d17-afc8-4231-bba9-bae54fde5af4',
      fromCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      toCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
      rate: '1.0842',
      rateSetAt: '2026-03-14T09:00:00.000Z',
      amount: '1050',
      targetAmount: '1138',
      createdAt: '2026-03-14T09:26:53.000Z',
      expiresAt: '2026-03-14T09:27:23.000Z',
      usedAt: null,
      transactionId: null,
    },
  },
  'GET /v1/quotes/:id': {
    description: 'Returns a quote, its locked rate and amounts, and whether an exchange used it. Needs the read scope.',
    response: {
      id: 'e0a41d17-afc8-4231-bba9-bae54fde5af4',
      fromCurrencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      toCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
      rate: '1.0842',
      rateSetAt: '2026-03-14T09:00:00.000Z',
      amount: '1050',
      targetAmount: '1138',
      createdAt: '2026-03-14T09:26:53.000Z',
      expiresAt: '2026-03-14T09:27:23.000Z',
      usedAt: '2026-03-14T09:27:05.000Z',
      transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
    },
  },
  'POST /v1/exchanges': {
    description:
      'Debits one wallet and credits a wallet of another currency at a quoted or current rate, in one transaction. Needs the write scope; send an Idempotency-Key so that a retry replays the first answer instead of exchanging twice.',
    request: {
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      amount: '1050',
      description: 'EUR to USD',
      reference: 'fx-1042',
      metadata: {
        orderId: '1042',
      },
      quoteId: 'e0a41d17-afc8-4231-bba9-bae54fde5af4',
    },
    response: {
      id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
      kind: 'exchange',
      status: 'posted',
      merchantId: 'shop-eu-01',
      currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
      amount: '1050',
      fromWalletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
      toWalletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
      description: 'EUR to USD',
      reference: 'fx-1042',
      reason: null,
      metadata: {
        orderId: '1042',
      },
      fees: [],
      reversesId: null,
      reversedAmount: '0',
      createdAt: '2026-03-14T09:26:53.000Z',
      postedAt: '2026-03-14T09:26:53.000Z',
      exchange: {
        rate: '1.0842',
        quoteId: 'e0a41d17-afc8-4231-bba9-bae54fde5af4',
        targetCurrencyId: '3e241325-419d-479e-8503-9f6838e97063',
        targetAmount: '1138',
      },
      entries: [
        {
          id: '7c1f2a9e-3b64-4d8e-9f21-5a0c6e8b4d13',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'exchange',
          walletId: '197c4a73-a0e7-4bb6-84fa-0ed4f103a5b2',
          currencyId: '93731611-d498-4123-993b-9e7dc23edc23',
          direction: 'debit',
          amount: '1050',
          pending: false,
          balanceAfter: '48950',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
        {
          id: 'a4c2e6f8-1b3d-4e5f-8a7b-9c0d1e2f3a4b',
          transactionId: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          kind: 'exchange',
          walletId: '15cb2450-052d-4eda-8b7d-d3d8459135ab',
          currencyId: '3e241325-419d-479e-8503-9f6838e97063',
          direction: 'credit',
          amount: '1138',
          pending: false,
          balanceAfter: '21138',
          createdAt: '2026-03-14T09:26:53.000Z',
        },
      ],
    },
  },
  'GET /compat/currencies': {
    response: [
      {
        id: '93731611-d498-4123-993b-9e7dc23edc23',
        currencyCode: 'EUR',
        digitalCode: '978',
        name: 'Euro',
        symbol: '€',
        fraction: 2,
        active: true,
        snPrefix: 'EUR',
      },
    ],
  },
  'GET /compat/currencies/:id': {
    response: {
      id: '93731611-d498-4123-993b-9e7dc23edc23',
      currencyCode: 'EUR',
      digitalCode: '978',
      name: 'Euro',
      symbol: '€',
      fraction: 2,
      active: true,
      snPrefix: 'EUR',
    },
  },
  'GET /compat/coins': {
    response: {
      coins: [
        {
          serial: 'EUR000001042',
          name: 'Main EUR wallet',
          amount: 1250,
          availableAmount: 1239.5,
          futureAmount: 0,
          heldAmount: 10.5,
          creditLimit: 0,
          currency: {
            id: '93731611-d498-4123-993b-9e7dc23edc23',
            sn: 'EUR000001042',
            code: 'EUR',
            symbol: '€',
            type: 'FIAT',
          },
          active: true,
          type: 'customer',
          main: false,
          accounting: false,
          smartCards: [
            {
              id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
              cardNumber: '424242******4242',
              expirationDate: '2029-08',
              name: 'JANE DOE',
              expirationStatus: 'ACTIVE',
              active: true,
            },
          ],
          deactivationDate: null,
          deactivationReason: null,
          deactivationDescription: null,
        },
      ],
    },
  },
  'GET /compat/coins/:serial': {
    response: {
      serial: 'EUR000001042',
      name: 'Main EUR wallet',
      amount: 1250,
      availableAmount: 1239.5,
      futureAmount: 0,
      heldAmount: 10.5,
      creditLimit: 0,
      currency: {
        id: '93731611-d498-4123-993b-9e7dc23edc23',
        sn: 'EUR000001042',
        code: 'EUR',
        symbol: '€',
        type: 'FIAT',
      },
      active: true,
      type: 'customer',
      main: false,
      accounting: false,
      smartCards: [
        {
          id: '52da5bc4-4d85-473e-889e-8db63ef2370b',
          cardNumber: '424242******4242',
          expirationDate: '2029-08',
          name: 'JANE DOE',
          expirationStatus: 'ACTIVE',
          active: true,
        },
      ],
      deactivationDate: null,
      deactivationReason: null,
      deactivationDescription: null,
    },
  },
  'POST /compat/paynetics/v2/accounts': {
    request: {
      program: 'consumer-eur',
      user: 'user-1042',
    },
    response: {
      code: 0,
      data: {
        program: 'consumer-eur',
        token: '84b5d709-1406-48b5-9365-9aca9ee1446b',
        merchant: null,
        user: 'user-1042',
        type: 'default',
        number: 'DE89370400440532013000',
        link_key: 'lk_5d2f9a71',
        is_main: false,
        status: 'active',
        multicurrency: false,
        balances: [
          {
            available: 1239.5,
            blocked: 10.5,
            currency: 'EUR',
            token: 'tok_9f8e7d6c5b4a',
            iban: 'DE89370400440532013000',
            sort_code: null,
            account_number: null,
            number: 'DE89370400440532013000',
            is_main: false,
          },
        ],
      },
    },
  },
  'PUT /compat/paynetics/v2/accounts/:account/status': {
    request: {
      status: 'blocked',
    },
    response: {
      code: 0,
    },
  },
  'DELETE /compat/paynetics/v2/accounts/:account': {
    response: {
      code: 0,
    },
  },
  'GET /compat/paynetics/v2/accounts/:account': {
    response: {
      code: 0,
      data: {
        program: 'consumer-eur',
        token: '84b5d709-1406-48b5-9365-9aca9ee1446b',
        merchant: null,
        user: 'user-1042',
        type: 'default',
        number: 'DE89370400440532013000',
        link_key: 'lk_5d2f9a71',
        is_main: false,
        status: 'active',
        multicurrency: false,
        balances: [
          {
            available: 1239.5,
            blocked: 10.5,
            currency: 'EUR',
            token: 'tok_9f8e7d6c5b4a',
            iban: 'DE89370400440532013000',
            sort_code: null,
            account_number: null,
            number: 'DE89370400440532013000',
            is_main: false,
          },
        ],
      },
    },
  },
  'GET /compat/paynetics/v2/accounts/:page/:limit': {
    response: {
      code: 0,
      data: {
        items: [
          {
            program: 'consumer-eur',
            token: '84b5d709-1406-48b5-9365-9aca9ee1446b',
            merchant: null,
            user: 'user-1042',
            type: 'default',
            number: 'DE89370400440532013000',
            link_key: 'lk_5d2f9a71',
            is_main: false,
            status: 'active',
            multicurrency: false,
            balances: [
              {
                available: 1239.5,
                blocked: 10.5,
                currency: 'EUR',
                token: 'tok_9f8e7d6c5b4a',
                iban: 'DE89370400440532013000',
                sort_code: null,
                account_number: null,
                number: 'DE89370400440532013000',
                is_main: false,
              },
            ],
          },
        ],
        total_items: '1',
      },
    },
  },
  'GET /compat/wallets/:id': {
    response: {
      id: '68f07c57-62d1-444b-ab5b-2cc1a2fc1e6b',
      createdAt: '2026-03-14T09:26:53.000Z',
      updatedAt: '2026-03-14T09:26:53.000Z',
      name: 'Main EUR wallet',
      companyId: null,
      active: true,
      currency: 'EUR',
      assetType: 'fiat',
      walletNumber: 'EUR000001042',
      balance: {
        available: {
          usd: 1343.87,
          btc: 0.01400456,
          sat: 1400456,
          cent: 134387,
        },
        pending: {
          usd: 0,
          btc: 0,
          sat: 0,
          cent: 0,
        },
        ledger: {
          usd: 1343.87,
          btc: 0.01400456,
          sat: 1400456,
          cent: 134387,
        },
      },
    },
  },
  'GET /compat/paysafe/accounts/:id': {
    response: {
      currencyCode: 'EUR',
      id: 'EUR000001042',
      customerId: 'customer-1042',
      externalId: 'customer-1042',
      totalBalance: 125000,
      availableBalance: 123950,
      virtualInstruments: [
        {
          id: 'DE89370400440532013000',
          instrumentType: 'SEPA_BANK_ACCOUNT',
        },
      ],
      creationTime: '2026-03-14T09:26:53.000Z',
    },
  },
};

type Schema = Record<string, unknown>;

const hasExamples = (schema: unknown): boolean => typeof schema === 'object' && schema !== null && Array.isArray((schema as Schema).examples);

/** @fastify/swagger's `transform`: a copy of the route's schema with its entry of `operationDocs` added. */
export function documentOperation({ schema, url, route }: { schema: FastifySchema; url: string; route: { method: string | readonly string[] } }): {
  schema: FastifySchema;
  url: string;
} {
  const method = Array.isArray(route.method) ? String(route.method[0]) : String(route.method);
  const doc = operationDocs[`${method} ${url}`];
  if (doc === undefined || typeof schema !== 'object' || schema === null) return { schema, url };
  const out: Schema = { ...(schema as Schema) };
  if (out.summary === undefined && doc.summary !== undefined) out.summary = doc.summary;
  if (out.description === undefined && doc.description !== undefined) out.description = doc.description;
  if (doc.request !== undefined && out.body !== undefined && !hasExamples(out.body)) out.body = { ...(out.body as Schema), examples: [doc.request] };
  if (doc.response !== undefined) {
    if (out.response === undefined && typeof doc.response === 'string') {
      // A stream (server-sent events) declares no response schema: its example is text.
      out.response = {
        200: { description: 'A text/event-stream that stays open.', content: { 'text/event-stream': { schema: { type: 'string' }, example: doc.response } } },
      };
    } else if (out.response !== undefined) {
      const response: Schema = { ...(out.response as Schema) };
      for (const [code, answer] of Object.entries(response)) {
        if (code.startsWith('2') && !hasExamples(answer)) response[code] = { ...(answer as Schema), examples: [doc.response] };
      }
      out.response = response;
    }
  }
  return { schema: out as FastifySchema, url };
}
