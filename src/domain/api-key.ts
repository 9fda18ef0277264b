export const apiKeyRoles = ['admin', 'merchant'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

export const apiKeyScopes = ['read', 'write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** An API key as stored: never the key itself, only its hash (kept by the store) and a hint. */
export interface ApiKey {
  readonly id: string;
  readonly name: string | null;
  /** The first characters of the key, to recognise it in a list. */
  readonly prefix: string;
  readonly last4: string;
  readonly role: ApiKeyRole;
  readonly merchantId: string | null;
  readonly scopes: readonly ApiKeyScope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Who is asking: the key's identity, role, merchant and scopes. */
export interface Actor {
  readonly apiKeyId: string;
  readonly role: ApiKeyRole;
  readonly merchantId: string | null;
  readonly scopes: readonly ApiKeyScope[];
  /** The HTTP request acting, for the audit log (absent outside a request). */
  readonly requestId?: string;
}
