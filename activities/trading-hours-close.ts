// The close outside the trading hours of a bot that is to be flat then: each position by its own
// close order (reason `trading_hours`), cycle after cycle until none is left, and no faster than
// the broker can take them while its market is shut.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { RETCODE } from '../brokers/retcodes.ts';
import { AuditLog, Order } from '../db/entities/index.ts';
import { tradingHoursText } from '../trading/risk/index.ts';
import { currentTrace, orderStoreFor, type BotContext } from './bot-context.ts';
import { closeAllPositions, failOnUnknownCloses, MARKET_CLOSED_RETRY_MS } from './close-positions.ts';
import type { ActivityDeps } from './deps.ts';

/**
 * A refused close's send time is its claim, a few seconds into its cycle: so that the cycle 5
 * minutes after that one sends it again (not the one after), the wait ends this much early.
 */
const CLAIM_LEEWAY_MS = 15_000;

/** The bot's positions whose close the broker refused as its market was shut, less than MARKET_CLOSED_RETRY_MS ago. */
async function closesWaitingForTheMarket(em: EntityManager, botId: number, now: number): Promise<Set<string>> {
  const refused = await em.find(Order, {
    bot: botId,
    purpose: 'close',
    closeReason: 'trading_hours',
    status: 'rejected',
    retcode: RETCODE.MARKET_CLOSED,
    lastSentAt: { $gt: new Date(now - MARKET_CLOSED_RETRY_MS + CLAIM_LEEWAY_MS) },
  });
  return new Set(refused.flatMap((order) => (order.positionTicket == null ? [] : [order.positionTicket])));
}

/**
 * Closes what the bot holds outside its trading hours. The schedule runs on: a close refused is
 * logged, audited with its retcode, and sent again by the next cycle, still outside the hours (one
 * refused as the market is shut, by the first cycle MARKET_CLOSED_RETRY_MS later); one without an
 * outcome fails the attempt, and the retry looks it up before closing again.
 */
export async function closeOutsideTradingHours(
  deps: ActivityDeps,
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  open: number,
) {
  const hours = tradingHoursText(context.risk);
  const waiting = await closesWaitingForTheMarket(em, context.bot.id, deps.now());
  const result = await closeAllPositions(deps, orderStoreFor(deps), context, broker, 'trading_hours', waiting);
  const logged = {
    botId: context.bot.id,
    open,
    closed: result.closed.length,
    waitingForTheMarket: [...waiting],
    failed: result.failed,
  };
  if (result.failed.length === 0) {
    const waitingText = waiting.size > 0 ? `, ${waiting.size} waiting for the market to open` : '';
    deps.logger.info(
      logged,
      `outside the trading hours ${hours}: ${result.closed.length} position(s) closed${waitingText}`,
    );
  } else {
    deps.logger.warn(logged, `outside the trading hours ${hours}: ${result.failed.length} close(s) refused`);
    const trace = currentTrace();
    for (const { ticket, status, retcode, retcodeName } of result.failed) {
      const next =
        retcode === RETCODE.MARKET_CLOSED
          ? `the market is shut: it goes again in ${MARKET_CLOSED_RETRY_MS / 60_000} min`
          : 'the next cycle sends it again';
      em.create(AuditLog, {
        bot: context.bot.id,
        entity: 'position',
        entityId: ticket,
        event: 'trading_hours_close_refused',
        reason: `close of position ${ticket} outside the trading hours ${hours} not made: ${status} (${retcode} ${retcodeName}); ${next}`,
        data: { retcode, retcodeName },
        workflowId: trace?.workflowId ?? null,
        runId: trace?.runId ?? null,
      });
    }
    await em.flush();
  }
  failOnUnknownCloses(result.orders, result);
  return result;
}
