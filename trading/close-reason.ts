// Why a position closed, read from its closing deal and the engine's own close order, if any.

export const CLOSE_REASONS = ['tp', 'sl', 'trailing', 'kill_switch', 'trading_hours', 'manual', 'external'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

export interface ClosingDeal {
  /** MT5's deal reason: `client` (terminal), `expert` (an EA or API), `sl`, `tp`, `so` (stop-out). */
  reason: string;
}

/**
 * `engineClose` is the reason on the engine's close order that made the deal (null when the deal is
 * not one of the engine's closes); `trailed` = the engine had moved the position's SL.
 */
export function closeReasonOf(deal: ClosingDeal, engineClose: CloseReason | null, trailed: boolean): CloseReason {
  if (engineClose !== null) return engineClose;
  if (deal.reason === 'tp') return 'tp';
  if (deal.reason === 'sl') return trailed ? 'trailing' : 'sl';
  if (deal.reason === 'client') return 'manual';
  return 'external';
}
