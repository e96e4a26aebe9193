import type { OrderOutcome } from '../../../db/orders/index.ts';
import { describeOrder } from '../../../workflows/cycle-summary.ts';

const filled: OrderOutcome = {
  clientOrderId: 'sx7-3vh-1',
  purpose: 'close',
  closeReason: 'trading_hours',
  symbol: 'XAUUSDm',
  side: 'sell',
  volume: 0.13,
  price: 2650.12,
  status: 'filled',
  retcode: 10009,
  retcodeName: 'TRADE_RETCODE_DONE',
  brokerTicket: '5003',
  error: null,
};

describe("a cycle's story line for an order", () => {
  it('names an open by its strategy and decision', () => {
    const open = { ...filled, purpose: 'open' as const, closeReason: null, side: 'buy' as const };
    expect(describeOrder(open, { strategy: 'pin_bar', decisionId: 812 })).toBe(
      'BUY 0.13 XAUUSDm @ 2650.12 — pin_bar, decision 812 (filled 10009 TRADE_RETCODE_DONE)',
    );
  });

  it('names a close by its order and why it was sent', () => {
    expect(describeOrder(filled)).toBe(
      'SELL 0.13 XAUUSDm @ 2650.12 — close sx7-3vh-1 for trading_hours (filled 10009 TRADE_RETCODE_DONE)',
    );
  });

  it("reads a close from an older worker's history, without a reason, as that worker did", () => {
    const older: Partial<OrderOutcome> = { ...filled };
    delete older.closeReason;
    expect(describeOrder(older as OrderOutcome)).toBe(
      'SELL 0.13 XAUUSDm @ 2650.12 — close sx7-3vh-1 (filled 10009 TRADE_RETCODE_DONE)',
    );
  });
});
