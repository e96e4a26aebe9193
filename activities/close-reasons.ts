import type { BrokerDeal } from '../brokers/port.ts';
import type { CloseReason } from '../db/entities/index.ts';

/** Comment the engine puts on the orders its automatic kill-switch sends to flatten a bot. */
export const KILL_SWITCH_COMMENT = 'kill-switch';

/** Why a position closed, read from its closing deal; `trailed` = the engine had moved its SL. */
export function closeReasonOf(deal: Pick<BrokerDeal, 'reason' | 'comment'>, trailed: boolean): CloseReason {
  if (deal.reason === 'tp') return 'tp';
  if (deal.reason === 'sl') return trailed ? 'trailing' : 'sl';
  if (deal.comment === KILL_SWITCH_COMMENT) return 'kill_switch';
  if (deal.reason === 'client') return 'manual';
  return 'external';
}
