// API bearer tokens: created with a random secret shown once, stored as its SHA-256, checked in
// constant time. A token reads `se_<id>_<secret>`: the id finds the row, the secret proves it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiToken, type IApiToken, type TokenScope } from './entities/index.ts';

const TOKEN_PATTERN = /^se_(\d{1,9})_([A-Za-z0-9_-]{43})$/;

function hashOf(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

export class TokenNameTakenError extends Error {
  override name = 'TokenNameTakenError';
}

export class TokenNotFoundError extends Error {
  override name = 'TokenNotFoundError';
  constructor(tokenName: string) {
    super(`no live token named ${tokenName}`);
  }
}

export interface CreatedToken {
  /** The bearer token itself: shown once, never stored. */
  token: string;
  record: IApiToken;
}

export interface TokenIdentity {
  id: number;
  name: string;
  scope: TokenScope;
}

export class ApiTokens {
  private readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  async create(name: string, scope: TokenScope): Promise<CreatedToken> {
    const em = this.em.fork();
    const secret = randomBytes(32).toString('base64url');
    const record = em.create(ApiToken, { name, scope, secretHash: hashOf(secret).toString('hex') });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new TokenNameTakenError(`a token named ${name} already exists`);
      throw error;
    }
    return { token: `se_${record.id}_${secret}`, record };
  }

  /** The token's identity, or null for anything that is not a live token of ours. */
  async verify(presented: string): Promise<TokenIdentity | null> {
    const match = TOKEN_PATTERN.exec(presented);
    if (!match) return null;
    const em = this.em.fork();
    const record = await em.findOne(ApiToken, { id: Number(match[1]), revokedAt: null });
    // Hash either way, so an unknown id costs what a wrong secret costs.
    const presentedHash = hashOf(match[2]!);
    const storedHash = record ? Buffer.from(record.secretHash, 'hex') : Buffer.alloc(presentedHash.length);
    if (!record || !timingSafeEqual(presentedHash, storedHash)) return null;
    await em.nativeUpdate(ApiToken, { id: record.id }, { lastUsedAt: new Date() });
    return { id: record.id, name: record.name, scope: record.scope };
  }

  async list(): Promise<IApiToken[]> {
    return this.em.fork().find(ApiToken, { revokedAt: null }, { orderBy: { id: 'asc' } });
  }

  /** Revokes by name; false when no live token has that name. */
  async revoke(name: string): Promise<boolean> {
    const revoked = await this.em.fork().nativeUpdate(ApiToken, { name, revokedAt: null }, { revokedAt: new Date() });
    return revoked > 0;
  }
}
