import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { IBot } from '../db/entities/index.ts';

/** The bot does not exist (or was deleted). */
export class BotNotFoundError extends Error {
  override name = 'BotNotFoundError';
  constructor(botId: number) {
    super(`bot ${botId} does not exist`);
  }
}

/** The request conflicts with the bot's state (open positions, a concurrent change, a taken name). */
export class BotConflictError extends Error {
  override name = 'BotConflictError';
  /** The bot's field in conflict, when one is (`name`, `magic` …). */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}

/** The caller changed the bot from an older version than the stored one: it must reload first. */
export class StaleVersionError extends BotConflictError {
  override name = 'StaleVersionError';
  constructor(botId: number, current: number, expected: number) {
    super(`bot ${botId} is at version ${current}, not ${expected}: reload it and retry`, 'version');
  }
}

/** Settings the engine does not know, by their full names (a typo must not pass silently). */
export class UnknownSettingsError extends Error {
  override name = 'UnknownSettingsError';
  readonly settings: string[];
  constructor(settings: string[]) {
    super(`unknown setting(s): ${settings.join(', ')}`);
    this.settings = settings;
  }
}

/** The bot table's unique constraints, by the field each guards (see the migrations). */
const UNIQUE_FIELDS: Record<string, 'name' | 'magic'> = {
  bot_name_live_unique: 'name',
  bot_magic_unique: 'magic',
};

/** The conflict a unique violation on the bot table stands for, named by its constraint. */
export function conflictOf(error: unknown, bot: Pick<IBot, 'name' | 'magic'>): BotConflictError | null {
  if (!(error instanceof UniqueConstraintViolationException)) return null;
  const field = UNIQUE_FIELDS[(error as { constraint?: string }).constraint ?? ''];
  if (field === 'name') return new BotConflictError(`a bot named ${bot.name} already exists`, 'name');
  if (field === 'magic') {
    return new BotConflictError(
      `magic ${bot.magic} is already another bot's: the bot_magic_seq sequence is behind the bot table`,
      'magic',
    );
  }
  return null;
}

/** An error's message, for a message of our own about it. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
