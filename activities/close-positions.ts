// Closing every position of a bot at market: the automatic kill-switch and the global flatten.
import type { BrokerPort } from '../brokers/port.ts';
import { AuditLog } from '../db/entities/index.ts';
import { loadBot } from './bot-context.ts';
import { KILL_SWITCH_COMMENT } from './close-reasons.ts';
import type { ActivityDeps } from './deps.ts';
import type { BotRef } from './types.ts';

export interface ClosedPositions {
  closed: string[];
  /** Tickets the broker refused to close, with its retcode: they need a human. */
  failed: Array<{ ticket: string; retcode: number; retcodeName: string }>;
}

export async function closeAllPositions(
  deps: ActivityDeps,
  broker: BrokerPort,
  botId: number,
  magic: number,
): Promise<ClosedPositions> {
  const result: ClosedPositions = { closed: [], failed: [] };
  for (const position of await broker.positions({ magic })) {
    const outcome = await broker.closePosition(position.ticket, undefined, KILL_SWITCH_COMMENT);
    if (outcome.outcome === 'success') result.closed.push(position.ticket);
    else {
      result.failed.push({ ticket: position.ticket, retcode: outcome.retcode, retcodeName: outcome.retcodeName });
      deps.logger.error(
        { botId, ticket: position.ticket, retcode: outcome.retcode, retcodeName: outcome.retcodeName },
        'close at market refused',
      );
    }
  }
  return result;
}

/** Activity: flattens one bot (the global kill-switch's optional step). */
export function closePositionsActivity(deps: ActivityDeps) {
  return async function closePositions({ botId, reason }: BotRef & { reason: string }): Promise<ClosedPositions> {
    const em = deps.orm.em.fork();
    const { bot } = await loadBot(em, botId);
    const result = await closeAllPositions(deps, deps.brokerFor(bot.brokerAccount), botId, bot.magic);
    em.create(AuditLog, {
      bot: botId,
      entity: 'bot',
      entityId: String(botId),
      event: 'positions_flattened',
      reason,
      data: { ...result },
    });
    await em.flush();
    return result;
  };
}
