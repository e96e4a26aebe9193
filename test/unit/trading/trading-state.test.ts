import { tradingStateOf, type TradingStateInputs } from '../../../trading/trading-state.ts';

const running = { exists: true, paused: false, note: null };
const calm = { halted: false, reason: null };
const trip = { trippedAt: new Date('2026-12-07T10:00:00Z'), reason: 'unrealised loss 5%' };

describe('tradingStateOf', () => {
  it.each<[string, TradingStateInputs, string, boolean, boolean, RegExp]>([
    [
      'active, schedule running',
      { intent: 'active', schedule: running, globalHalt: calm },
      'active',
      true,
      true,
      /^active$/,
    ],
    [
      'active, paused from a terminal',
      { intent: 'active', schedule: { exists: true, paused: true, note: 'news spike' }, globalHalt: calm },
      'paused',
      false,
      false,
      /schedule paused: news spike/,
    ],
    [
      'automatic kill-switch paused the schedule',
      {
        intent: 'active',
        schedule: { exists: true, paused: true, note: 'automatic kill-switch: loss' },
        globalHalt: calm,
      },
      'paused',
      false,
      false,
      /automatic kill-switch/,
    ],
    ['reducing', { intent: 'reducing', schedule: running, globalHalt: calm }, 'reducing', true, false, /none opened/],
    [
      "the automatic kill-switch's trip on the row, the schedule unpaused from a terminal",
      { intent: 'active', schedule: running, globalHalt: calm, killSwitchTrip: trip },
      'reducing',
      true,
      false,
      /^automatic kill-switch tripped at 2026-12-07T10:00:00.000Z \(unrealised loss 5%\): positions are managed, none opened until a resume lifts it$/,
    ],
    [
      'a trip outranks reducing and a broker account not ready',
      { intent: 'reducing', schedule: running, globalHalt: calm, brokerBlock: 'x', killSwitchTrip: trip },
      'reducing',
      true,
      false,
      /^automatic kill-switch tripped at/,
    ],
    [
      "a trip whose pause note a terminal replaced: the schedule's pause shows",
      {
        intent: 'active',
        schedule: { exists: true, paused: true, note: 'news' },
        globalHalt: calm,
        killSwitchTrip: trip,
      },
      'paused',
      false,
      false,
      /^schedule paused: news$/,
    ],
    [
      'halted outranks a trip',
      { intent: 'active', schedule: running, globalHalt: { halted: true, reason: 'news' }, killSwitchTrip: trip },
      'halted',
      true,
      false,
      /global kill-switch: news/,
    ],
    [
      'active on a broker account not ready to trade',
      { intent: 'active', schedule: running, globalHalt: calm, brokerBlock: 'live trading is off' },
      'reducing',
      true,
      false,
      /^live trading is off$/,
    ],
    [
      'halted outranks a broker account not ready',
      { intent: 'active', schedule: running, globalHalt: { halted: true, reason: 'news' }, brokerBlock: 'x' },
      'halted',
      true,
      false,
      /global kill-switch: news/,
    ],
    [
      'an operator paused schedule outranks a broker account not ready',
      { intent: 'active', schedule: { exists: true, paused: true, note: 'n' }, globalHalt: calm, brokerBlock: 'x' },
      'paused',
      false,
      false,
      /schedule paused: n/,
    ],
    [
      'paused by its operator, unpaused in Temporal',
      { intent: 'paused', schedule: running, globalHalt: calm },
      'reducing',
      true,
      false,
      /paused but its schedule runs/,
    ],
    [
      'paused, schedule paused',
      { intent: 'paused', schedule: { exists: true, paused: true, note: 'NFP' }, globalHalt: calm },
      'paused',
      false,
      false,
      /NFP/,
    ],
    [
      'no schedule',
      { intent: 'active', schedule: { exists: false, paused: true, note: null }, globalHalt: calm },
      'paused',
      false,
      false,
      /no schedule/,
    ],
    [
      'halted, schedule paused by the halt',
      {
        intent: 'active',
        schedule: { exists: true, paused: true, note: 'global halt: crash' },
        globalHalt: { halted: true, reason: 'crash' },
      },
      'halted',
      false,
      false,
      /global kill-switch: crash/,
    ],
    [
      'halted while a cycle still runs',
      { intent: 'reducing', schedule: running, globalHalt: { halted: true, reason: 'crash' } },
      'halted',
      true,
      false,
      /crash/,
    ],
  ])('%s', (_name, inputs, state, cyclesRun, opens, reason) => {
    const result = tradingStateOf(inputs);
    expect(result).toMatchObject({ state, cyclesRun, opens });
    expect(result.reason).toMatch(reason);
  });

  it('opens only when active, in every combination', () => {
    for (const intent of ['active', 'reducing', 'paused'] as const) {
      for (const exists of [true, false]) {
        for (const paused of [true, false]) {
          for (const halted of [true, false]) {
            const result = tradingStateOf({
              intent,
              schedule: { exists, paused, note: null },
              globalHalt: { halted, reason: null },
            });
            expect(result.opens).toBe(result.state === 'active');
            expect(result.opens).toBe(intent === 'active' && exists && !paused && !halted);
            expect(result.cyclesRun).toBe(exists && !paused);
          }
        }
      }
    }
  });
});
