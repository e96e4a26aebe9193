// A bot's one trading state, from the three things that decide it: what its operator asked for,
// whether its schedule really runs in Temporal (it may have been paused from a terminal), and
// the global kill-switch. Risk, the API and the CLI all read it from here.
//
//   active    cycles run; signals may open positions; positions are trailed and watched by the
//             automatic kill-switch
//   reducing  cycles run and manage positions (reconcile, trailing stop, automatic kill-switch),
//             but nothing opens
//   paused    no cycles: open positions keep the SL/TP they have at the broker, nothing trails them
//   halted    the global kill-switch is on: nothing opens anywhere (the order gate is closed)
//
// A bot whose automatic kill-switch tripped opens nothing until its operator lifts the trip through
// the engine (`scalper resume <id> --lift-kill-switch`): its schedule is paused by the trip, and if
// a terminal unpauses it the bot is `reducing`, its positions managed.
//
// A bot whose broker account is not ready to trade — a live account without the operator's
// opt-in, or a real account not yet reconciled since the worker started — is `reducing`: its
// cycles run (the next one retries the reconciliation) and manage positions, but nothing opens.

export const TRADING_STATES = ['active', 'reducing', 'paused', 'halted'] as const;
export type TradingStateName = (typeof TRADING_STATES)[number];

export interface TradingStateInputs {
  /** The operator's intent, as stored on the bot. */
  intent: 'active' | 'reducing' | 'paused';
  /** The bot's schedule as Temporal holds it. */
  schedule: { exists: boolean; paused: boolean; note: string | null };
  globalHalt: { halted: boolean; reason: string | null };
  /** Why the bot's broker account may not open positions now; null when it may. */
  brokerBlock?: string | null;
  /** The automatic kill-switch's trip recorded on the bot, until a resume lifts it. */
  killSwitchTrip?: { trippedAt: Date; reason: string } | null;
}

export interface TradingState {
  state: TradingStateName;
  reason: string;
  /** Whether the schedule starts cycles (which reconcile and manage positions). */
  cyclesRun: boolean;
  /** Whether a signal may open a position now. */
  opens: boolean;
}

export function tradingStateOf({
  intent,
  schedule,
  globalHalt,
  brokerBlock,
  killSwitchTrip,
}: TradingStateInputs): TradingState {
  const cyclesRun = schedule.exists && !schedule.paused;
  if (globalHalt.halted) {
    return { state: 'halted', reason: `global kill-switch: ${globalHalt.reason ?? 'halted'}`, cyclesRun, opens: false };
  }
  if (!schedule.exists)
    return { state: 'paused', reason: 'the bot has no schedule in Temporal', cyclesRun, opens: false };
  if (schedule.paused) {
    return { state: 'paused', reason: `schedule paused: ${schedule.note ?? 'no note'}`, cyclesRun, opens: false };
  }
  if (intent === 'paused') {
    // Someone unpaused the schedule behind the operator's back: manage what is open, open nothing.
    return {
      state: 'reducing',
      reason: 'the bot is paused but its schedule runs in Temporal',
      cyclesRun,
      opens: false,
    };
  }
  if (killSwitchTrip) {
    const tripped = `automatic kill-switch tripped at ${killSwitchTrip.trippedAt.toISOString()} (${killSwitchTrip.reason})`;
    return {
      state: 'reducing',
      reason: `${tripped}: positions are managed, none opened until a resume lifts it`,
      cyclesRun,
      opens: false,
    };
  }
  if (intent === 'reducing')
    return { state: 'reducing', reason: 'reducing: positions are managed, none opened', cyclesRun, opens: false };
  if (brokerBlock) return { state: 'reducing', reason: brokerBlock, cyclesRun, opens: false };
  return { state: 'active', reason: 'active', cyclesRun, opens: true };
}
