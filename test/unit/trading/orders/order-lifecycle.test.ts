import fc from 'fast-check';
import {
  canTake,
  IllegalOrderTransition,
  ORDER_STATUSES,
  SETTLED_STATUSES,
  transition,
  type OrderEvent,
  type OrderLifecycleState,
  type OrderStatus,
} from '../../../../trading/orders/index.ts';

const VOLUME = 0.1;
const order = (status: OrderStatus, attempts = 1): OrderLifecycleState => ({ status, attempts, volume: VOLUME });

const EVENTS: Record<string, OrderEvent> = {
  claimed: { type: 'claimed' },
  sent: { type: 'sent' },
  'acknowledged 10009': { type: 'acknowledged', retcode: 10009 },
  'acknowledged 10010': { type: 'acknowledged', retcode: 10010 },
  'acknowledged 10008': { type: 'acknowledged', retcode: 10008 },
  'acknowledged 10006': { type: 'acknowledged', retcode: 10006 },
  rejected: { type: 'rejected', retcode: 10019 },
  requoted: { type: 'requoted' },
  outcome_unknown: { type: 'outcome_unknown' },
  halted: { type: 'halted' },
  'adopted filled': { type: 'adopted', brokerState: 'filled' },
  'adopted cancelled': { type: 'adopted', brokerState: 'cancelled' },
  never_reached_broker: { type: 'never_reached_broker' },
  'filled_by_deal all': { type: 'filled_by_deal', filledVolume: VOLUME },
  'filled_by_deal part': { type: 'filled_by_deal', filledVolume: VOLUME / 2 },
  'filled_by_deal none': { type: 'filled_by_deal', filledVolume: 0 },
};

// Every status × every event: the status it leads to, or '✗' for an illegal transition.
// columns:             new        sent                unknown     filled  partially_filled    rejected cancelled
const ROWS: Array<[string, Array<OrderStatus | '✗'>]> = [
  ['claimed', ['sent', 'sent', 'sent', '✗', '✗', '✗', '✗']],
  ['sent', ['✗', 'sent', '✗', '✗', '✗', '✗', '✗']],
  ['acknowledged 10009', ['✗', 'filled', '✗', '✗', '✗', '✗', '✗']],
  ['acknowledged 10010', ['✗', 'partially_filled', '✗', '✗', '✗', '✗', '✗']],
  ['acknowledged 10008', ['✗', 'sent', '✗', '✗', '✗', '✗', '✗']],
  ['acknowledged 10006', ['✗', '✗', '✗', '✗', '✗', '✗', '✗']],
  ['rejected', ['✗', 'rejected', '✗', '✗', '✗', '✗', '✗']],
  ['requoted', ['✗', 'new', '✗', '✗', '✗', '✗', '✗']],
  ['outcome_unknown', ['✗', 'unknown', '✗', '✗', '✗', '✗', '✗']],
  ['halted', ['✗', 'cancelled', '✗', '✗', '✗', '✗', '✗']],
  ['adopted filled', ['filled', 'filled', 'filled', '✗', '✗', '✗', '✗']],
  ['adopted cancelled', ['cancelled', 'cancelled', 'cancelled', '✗', '✗', '✗', '✗']],
  ['never_reached_broker', ['cancelled', 'cancelled', 'cancelled', '✗', '✗', '✗', '✗']],
  ['filled_by_deal all', ['filled', 'filled', 'filled', '✗', 'filled', '✗', '✗']],
  [
    'filled_by_deal part',
    ['partially_filled', 'partially_filled', 'partially_filled', '✗', 'partially_filled', '✗', '✗'],
  ],
  ['filled_by_deal none', ['✗', '✗', '✗', '✗', '✗', '✗', '✗']],
];
const COLUMNS: OrderStatus[] = ['new', 'sent', 'unknown', 'filled', 'partially_filled', 'rejected', 'cancelled'];

describe('order lifecycle transitions', () => {
  it('covers every status and every event kind', () => {
    expect([...COLUMNS].sort()).toEqual([...ORDER_STATUSES].sort());
    expect(new Set(Object.values(EVENTS).map((e) => e.type)).size).toBe(10);
    expect(ROWS.map(([name]) => name).sort()).toEqual(Object.keys(EVENTS).sort());
  });

  const cases = ROWS.flatMap(([name, results]) => COLUMNS.map((from, i) => [from, name, results[i]!] as const));
  it.each(cases)('%s + %s → %s', (from, name, expected) => {
    const event = EVENTS[name]!;
    if (expected === '✗') {
      expect(canTake(order(from), event)).toBe(false);
      expect(() => transition(order(from), event)).toThrow(IllegalOrderTransition);
    } else {
      expect(canTake(order(from), event)).toBe(true);
      expect(transition(order(from), event).status).toBe(expected);
    }
  });

  it('names the status and the event when it refuses', () => {
    expect(() => transition(order('rejected'), { type: 'claimed' })).toThrow(
      'an order in status rejected cannot take event claimed',
    );
    expect(() => transition(order('sent'), { type: 'acknowledged', retcode: 10006 })).toThrow(
      /retcode 10006 is not a success/,
    );
  });
});

describe('order lifecycle properties', () => {
  const anyEvent = fc.constantFrom(...Object.values(EVENTS));

  it('over any sequence of events: attempts count claims; settled orders stay as they are; filled needs a fill', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        let state = order('new', 0);
        let claims = 0;
        for (const event of events) {
          if (!canTake(state, event)) {
            expect(() => transition(state, event)).toThrow(IllegalOrderTransition);
            continue;
          }
          const before = state;
          state = transition(state, event);
          if (event.type === 'claimed') claims++;
          expect(ORDER_STATUSES).toContain(state.status);
          // Nothing leaves rejected, cancelled or filled; partially_filled only grows into filled.
          if (SETTLED_STATUSES.includes(before.status)) {
            expect(before.status).toBe('partially_filled');
            expect(['filled', 'partially_filled']).toContain(state.status);
          }
          // A send goes out only under a claim.
          if (event.type === 'sent') expect(before.status).toBe('sent');
          if (state.status === 'filled' && before.status !== 'filled') {
            expect(['acknowledged', 'adopted', 'filled_by_deal']).toContain(event.type);
          }
        }
        expect(state.attempts).toBe(claims);
        expect(state.volume).toBe(VOLUME);
      }),
    );
  });
});
