export const apiKeyRoles = ['admin', 'merchant'] as const;
export type ApiKeyRole = (typeof apiKeyRoles)[number];

/** `read`: GET; `write`: other methods; `issue`: creating money or credit (top-ups, adjustments, pending credits from issuing, credit limits). */
export const apiKeyScopes = ['read', 'write', 'issue'] as const;
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
  /** Requests per minute this key may make (per process); null: no limit. */
  readonly rateLimitPerMinute: number | null;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Who is asking: the key's identity, role, merchant and scopes. */
export interface Actor {
  readonly apiKeyId: string;
  readonly role: ApiKeyRole;
  readonly merchantId: string | null;
  readonly scopes: readonly ApiKeyScope[];
  /** The key's own rate limit (requests per minute); null or absent: none. */
  readonly rateLimitPerMinute?: number | null;
  /** The HTTP request acting, for the audit log (absent outside a request). */
  readonly requestId?: string;
}
