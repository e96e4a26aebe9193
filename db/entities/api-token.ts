import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** `read` may GET; `trade` may also change things (create bots, pause, halt, close positions). */
export const TOKEN_SCOPES = ['read', 'trade'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * A bearer token of the REST API. Only a SHA-256 of its secret is kept: the token is shown once,
 * when it is created, and cannot be read back.
 */
export const ApiToken = defineEntity({
  name: 'ApiToken',
  tableName: 'api_token',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
    scope: p.enum(TOKEN_SCOPES),
    /** Hex SHA-256 of the token's secret part. */
    secretHash: p.string().length(64),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export type IApiToken = InferEntity<typeof ApiToken>;
