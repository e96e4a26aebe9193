// An account whose currency is not the symbol's quote currency: gold quoted in USD on a EUR
// account. MT5 gives the tick value in the account currency (here 0.86 EUR for a 0.01 USD tick of
// one lot), and the margin of a lot in it too; sizing, the risk checks and the automatic
// kill-switch must count in EUR through them, never in USD ticks.
import { instrumentSpec } from '../../../brokers/mt5-gateway/instrument.ts';
import type { SymbolReply } from '../../../brokers/mt5-gateway/wire.ts';
import { killSwitchState, unrealizedPnl } from '../../../trading/kill-switch.ts';
import type { InstrumentSpec } from '../../../trading/market.ts';
import { decide, riskSettingsSchema, type DecisionContext } from '../../../trading/risk/index.ts';
import { sizePosition } from '../../../trading/sizing.ts';
import { GOLD_BUY_SIGNAL, T0, XAUUSD } from './fixtures.ts';

/** EUR per USD: one 0.01 tick of 100 oz is 1 USD, 0.86 EUR. */
const EUR_PER_USD = 0.86;
/** The terminal's margin of one lot at 2000 at 1:100 is 2000 USD = 1720 EUR: over the notional, 0.0086. */
const GOLD_ON_EUR: InstrumentSpec = { ...XAUUSD, tickValue: EUR_PER_USD, marginRate: 0.01 * EUR_PER_USD };

/** A 0.5 % buy of 10 000 EUR at the ask of 2000.20, its stop at 1997.00: 320 ticks. */
const trade = { balance: 10_000, riskPerTradePct: 0.5, side: 'buy' as const, quote: { bid: 2000, ask: 2000.2 } };

describe('an account whose currency is not the quote currency', () => {
  it('the mt5-gateway adapter takes MT5’s trade_tick_value as it is: already in the account currency', () => {
    const reply: SymbolReply = {
      name: 'XAUUSD',
      digits: 2,
      point: 0.01,
      trade_tick_size: 0.01,
      trade_tick_value: EUR_PER_USD,
      trade_contract_size: 100,
      volume_min: 0.01,
      volume_max: 100,
      volume_step: 0.01,
      trade_stops_level: 10,
      trade_freeze_level: 5,
      filling_mode: 2,
      spread: 20,
      margin_rate: 0.0086,
    };
    expect(instrumentSpec(reply, { pipSize: 0.1 }, [])).toMatchObject({
      tickSize: 0.01,
      tickValue: EUR_PER_USD,
      marginRate: 0.0086,
    });
  });

  it('sizes the volume with the EUR tick value: more lots than USD ticks would allow, the loss at the stop in EUR', () => {
    const inEur = sizePosition({ ...trade, stopLoss: 1997, instrument: GOLD_ON_EUR });
    // 50 EUR over 320 ticks × 0.86 + 2 × 3.5 commission = 282.20 EUR per lot → 0.1771 → 0.17 lots.
    expect(inEur).toMatchObject({ volume: 0.17, riskBudget: 50, tradable: true });
    expect(inEur.riskPerLot).toBeCloseTo(282.2, 9);
    expect(inEur.lossAtStop!.price).toBeCloseTo(320 * EUR_PER_USD * 0.17, 9);
    expect(inEur.lossAtStop!.total).toBeLessThanOrEqual(50);
    expect(inEur.reason()).toBe(
      '0.17 lots lose 47.97 at the stop, within the 50.00 budget: ' +
        '46.78 price over 320 ticks from the ask, 20 of them spread, + 1.19 round-trip commission',
    );
    // Counting USD ticks as EUR would size 0.15 lots: the tick value is what tells them apart.
    expect(sizePosition({ ...trade, stopLoss: 1997, instrument: XAUUSD }).volume).toBe(0.15);
  });

  it('decides in EUR: the size check against the EUR budget, the margin in EUR against EUR free margin', () => {
    const context: DecisionContext = {
      signal: GOLD_BUY_SIGNAL,
      settings: riskSettingsSchema.parse({}),
      bot: { autoTrade: true, magic: 1 },
      tradingState: { state: 'active', reason: 'active' },
      account: { balance: 10_000, freeMargin: 300, leverage: 100, mode: 'hedging' },
      openPositions: [],
      instrument: GOLD_ON_EUR,
      quote: trade.quote,
      now: T0 + 120_000,
      recentLosses: [],
      dayRealizedPnl: 0,
      accountDay: null,
      nextCycleAt: null,
    };
    const outcome = decide(context);
    const margin = outcome.checks.find((check) => check.name === 'margin')!;
    // 0.17 lots of 100 oz at 2000.20 USD need 0.17 × 200 020 × 0.0086 = 292.43 EUR, + 0.60 commission.
    expect(margin.value).toBeCloseTo(0.17 * 100 * 2000.2 * 0.0086 + 0.17 * 3.5, 9);
    expect({ action: outcome.action, volume: outcome.volume, margin: margin.passed }).toEqual({
      action: 'open',
      volume: 0.17,
      margin: true,
    });
    // The same free margin is short of the USD figure (340.03 + 0.60): USD read as EUR would refuse it.
    const inUsd = decide({ ...context, instrument: { ...GOLD_ON_EUR, marginRate: 0.01 } });
    expect(inUsd.checks.find((check) => check.name === 'margin')!.passed).toBe(false);
  });

  it('values an open position in EUR for the automatic kill-switch: ticks × the EUR tick value × lots', () => {
    const position = {
      side: 'buy' as const,
      volume: 0.17,
      openPrice: 2000.2,
      quote: { bid: 1998, ask: 1998.2 },
      instrument: GOLD_ON_EUR,
    };
    // 220 ticks down × 0.86 EUR × 0.17 lots.
    expect(unrealizedPnl(position)).toBeCloseTo(-220 * EUR_PER_USD * 0.17, 9);
    const state = killSwitchState([position], 1_000, 3);
    expect(state.lossPct).toBeCloseTo((220 * EUR_PER_USD * 0.17 * 100) / 1_000, 9);
    expect(state.breached).toBe(true);
  });
});
