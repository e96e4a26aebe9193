// What a cycle did, in words, for the Web UI: its current details while it runs and after, and
// the search attributes that find the cycles that traded.
import type { DecisionSummary, OrderOutcome } from '../activities/types.ts';
import { SENT_STATUSES } from '../trading/orders/index.ts';
import { SEARCH_ATTRIBUTES } from './search-attributes.ts';

/** "BUY 0.13 XAUUSDm @ 2650.12 — pin_bar, decision 812 (filled)". */
export function describeOrder(
  outcome: OrderOutcome,
  decision?: Pick<DecisionSummary, 'strategy' | 'decisionId'>,
): string {
  const what = `${outcome.side.toUpperCase()} ${outcome.volume} ${outcome.symbol} @ ${outcome.price}`;
  // A close's reason: absent from the outcomes of workers before it, whose histories still replay.
  const reason = outcome.closeReason ? ` for ${outcome.closeReason}` : '';
  const why = decision
    ? `${decision.strategy}, decision ${decision.decisionId}`
    : `close ${outcome.clientOrderId}${reason}`;
  const retcode = outcome.retcode === null ? '' : ` ${outcome.retcode} ${outcome.retcodeName ?? ''}`.trimEnd();
  return `${what} — ${why} (${outcome.status}${retcode})`;
}

export interface CycleStory {
  lines: string[];
  opens: Array<{ outcome: OrderOutcome; decision: DecisionSummary | undefined }>;
  closes: OrderOutcome[];
}

export function newStory(): CycleStory {
  return { lines: [], opens: [], closes: [] };
}

/** The details text: one line per thing the cycle did, in order. */
export function storyDetails(story: CycleStory): string {
  return story.lines.join('\n');
}

/** The search attributes of a cycle that sent orders; empty when it sent none. */
export function tradeSearchAttributes(story: CycleStory) {
  const sent = [...story.opens.map((open) => open.outcome), ...story.closes].filter((outcome) =>
    SENT_STATUSES.includes(outcome.status),
  );
  if (sent.length === 0) return [];
  const strategies = [...new Set(story.opens.flatMap((open) => (open.decision ? [open.decision.strategy] : [])))];
  return [
    { key: SEARCH_ATTRIBUTES.clientOrderIds, value: sent.map((outcome) => outcome.clientOrderId) },
    { key: SEARCH_ATTRIBUTES.ordersPlaced, value: sent.length },
    ...(strategies.length > 0 ? [{ key: SEARCH_ATTRIBUTES.strategy, value: strategies }] : []),
  ];
}
