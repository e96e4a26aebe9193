// A bot is moved (to another symbol or account) or deleted only when flat: no open position, and
// no open order that may hold one its reconcile has not booked yet. Reconcile, trailing and the
// kill-switch look for the bot's positions on its own account and symbol only: moved away from
// one, a position would be managed by nobody.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IBot } from '../db/entities/index.ts';
import { BotConflictError } from './errors.ts';
import { openPositionCount, unbookedOpenCount } from './open-positions.ts';

export async function requireFlat(
  em: EntityManager,
  bot: Pick<IBot, 'id' | 'brokerAccount' | 'symbol'>,
  action: 'moving it' | 'deleting it',
  field?: 'symbol' | 'brokerAccount',
): Promise<void> {
  const open = await openPositionCount(em, bot.id);
  if (open > 0) {
    const where = action === 'moving it' ? ` on ${bot.brokerAccount} ${bot.symbol}` : '';
    throw new BotConflictError(
      `bot ${bot.id} has ${open} open position(s)${where}: close them before ${action}`,
      field,
    );
  }
  const unbooked = await unbookedOpenCount(em, bot.id);
  if (unbooked > 0) {
    throw new BotConflictError(
      `bot ${bot.id} has ${unbooked} open order(s) not yet settled or booked as a position by its reconcile: let its cycles run (resume it if it is paused) until they are, then try ${action} again`,
      field,
    );
  }
}
