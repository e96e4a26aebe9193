// Position size from risk: the largest volume on the broker's grid whose loss at the stop,
// costs included, is at most riskPerTradePct of the balance. The costs are the spread paid at
// entry and the commission of both deals; slippage cannot be known in advance and is not counted.
import type { InstrumentSpec, Quote, TradeSide } from './market.ts';
import { roundVolumeDown, ticksBetween } from './rounding.ts';

export type SizedInstrument = Pick<
  InstrumentSpec,
  'tickSize' | 'tickValue' | 'volumeMin' | 'volumeMax' | 'volumeStep' | 'commissionPerLot'
>;

export interface SizingInput {
  balance: number;
  riskPerTradePct: number;
  side: TradeSide;
  /** The quote the order is sent at; it and the stop-loss lie on the tick grid. */
  quote: Quote;
  stopLoss: number;
  instrument: SizedInstrument;
}

/** Money `volume` lots lose if the stop-loss is hit, in account currency. */
export interface LossAtStop {
  volume: number;
  /** The price move from the entry to the stop, the spread paid at entry included. */
  price: number;
  /** Round trip: commissionPerLot on the opening deal and again on the closing one. */
  commission: number;
  total: number;
}

export interface PositionSize {
  /** Lots to trade; 0 when not tradable. */
  volume: number;
  tradable: boolean;
  /** The sizing in words, built when asked: a backtest sizes without words. */
  reason(): string;
  /** Money the trade may lose at the stop: riskPerTradePct of the balance. */
  riskBudget: number;
  /** Money lost at the stop per 1 lot, commission included. */
  riskPerLot: number;
  /** Volume that exactly spends the budget, before rounding and clamping. */
  exactVolume: number;
  /** The loss at the stop of `volume`, or of the minimum volume when none fits; null for a zero stop distance. */
  lossAtStop: LossAtStop | null;
}

/** A buy opens at the ask, a sell at the bid. */
export function entryPriceOf(side: TradeSide, quote: Quote): number {
  return side === 'buy' ? quote.ask : quote.bid;
}

/** A position closes on the other side of the book: a buy sells at the bid, a sell buys back at the ask. */
export function closingPriceOf(side: TradeSide, quote: Pick<Quote, 'bid' | 'ask'>): number {
  return side === 'buy' ? quote.bid : quote.ask;
}

/** What `volume` lots lose over `stopTicks` ticks, with the commission of both deals. */
function lossAtStop(volume: number, stopTicks: number, instrument: SizedInstrument): LossAtStop {
  const price = stopTicks * instrument.tickValue * volume;
  const commission = 2 * instrument.commissionPerLot * volume;
  return { volume, price, commission, total: price + commission };
}

const money = (amount: number): string => amount.toFixed(2);

/** The loss at the stop broken down, in words. */
function costsInWords(loss: LossAtStop, stopTicks: number, input: SizingInput): string {
  const { side, quote, instrument } = input;
  return (
    `${money(loss.price)} price over ${stopTicks} ticks from the ${side === 'buy' ? 'ask' : 'bid'}, ` +
    `${ticksBetween(quote.bid, quote.ask, instrument)} of them spread, + ${money(loss.commission)} round-trip commission`
  );
}

function untradable(
  reason: () => string,
  stopTicks: number,
  riskBudget: number,
  riskPerLot: number,
  exactVolume: number,
  instrument: SizedInstrument,
): PositionSize {
  return {
    volume: 0,
    tradable: false,
    reason,
    riskBudget,
    riskPerLot,
    exactVolume,
    lossAtStop: stopTicks > 0 ? lossAtStop(instrument.volumeMin, stopTicks, instrument) : null,
  };
}

/**
 * A buy fills at the ask and its stop fires when the bid falls to it, closing there; a sell
 * fills at the bid and is stopped when the ask rises to it. Either way the ticks from the entry
 * price to the stop already hold the spread paid at entry, whatever the spread is at the stop.
 * The reason is a closure built only for the outcome reached: a backtest sizes ~100,000 times.
 */
export function sizePosition(input: SizingInput): PositionSize {
  const { instrument, side, quote } = input;
  const entry = entryPriceOf(side, quote);
  const stopTicks = ticksBetween(entry, input.stopLoss, instrument);
  const riskBudget = (input.balance * input.riskPerTradePct) / 100;
  const perLot = lossAtStop(1, stopTicks, instrument);
  const riskPerLot = perLot.total;
  if (!(stopTicks > 0)) {
    const reason = () => 'stop-loss distance is zero, risk cannot be sized';
    return untradable(reason, stopTicks, riskBudget, riskPerLot, 0, instrument);
  }
  if (!(riskBudget > 0)) {
    const reason = () => `risk budget ${money(riskBudget)} is not positive`;
    return untradable(reason, stopTicks, riskBudget, riskPerLot, 0, instrument);
  }

  const exactVolume = riskBudget / riskPerLot;
  const fitting = roundVolumeDown(exactVolume, instrument);
  const volume = Math.min(fitting, roundVolumeDown(instrument.volumeMax, instrument));
  if (volume < instrument.volumeMin) {
    const reason = () =>
      `risk budget ${money(riskBudget)} allows ${exactVolume.toPrecision(3)} lots, below the minimum ` +
      `${instrument.volumeMin}: ${money(riskPerLot)} per lot at the stop, ${costsInWords(perLot, stopTicks, input)}`;
    return untradable(reason, stopTicks, riskBudget, riskPerLot, exactVolume, instrument);
  }
  const loss = lossAtStop(volume, stopTicks, instrument);
  const clamped = volume < fitting ? ` (clamped to the maximum ${instrument.volumeMax})` : '';
  return {
    volume,
    tradable: true,
    reason: () =>
      `${volume} lots lose ${money(loss.total)} at the stop, within the ${money(riskBudget)} budget${clamped}: ${costsInWords(loss, stopTicks, input)}`,
    riskBudget,
    riskPerLot,
    exactVolume,
    lossAtStop: loss,
  };
}
