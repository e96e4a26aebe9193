// Checks on the order the signal would become: market conditions, broker limits, money.
import { priceToPoints, spreadPoints } from '../rounding.ts';
import type { RiskCheck } from './context.ts';

export const maxSpread: RiskCheck = ({ quote, instrument }, _plan, explain) => {
  const spread = spreadPoints(quote.bid, quote.ask, instrument);
  const passed = spread <= instrument.maxSpreadPoints;
  return {
    name: 'max_spread',
    passed,
    value: spread,
    limit: instrument.maxSpreadPoints,
    reason: explain
      ? `spread ${spread} points ${passed ? 'within' : 'exceeds'} the maximum ${instrument.maxSpreadPoints}`
      : '',
  };
};

/**
 * MT5's rule: SL and TP must lie on the profit/loss side of the price the position closes at
 * (bid for a buy, ask for a sell), at least stopsLevel points away.
 */
export const stopsLevelRespected: RiskCheck = ({ quote, instrument }, plan, explain) => {
  const closePrice = plan.side === 'buy' ? quote.bid : quote.ask;
  const towardsProfit = plan.side === 'buy' ? 1 : -1;
  const toStop = Math.round(priceToPoints(towardsProfit * (closePrice - plan.stopLoss), instrument));
  const nearest =
    plan.takeProfit === null
      ? toStop
      : Math.min(toStop, Math.round(priceToPoints(towardsProfit * (plan.takeProfit - closePrice), instrument)));
  const passed = nearest > 0 && nearest >= instrument.stopsLevel;
  return {
    name: 'stops_level',
    passed,
    value: nearest,
    limit: instrument.stopsLevel,
    reason: explain
      ? nearest <= 0
        ? `SL/TP on the wrong side of the price (${nearest} points)`
        : `nearest SL/TP ${nearest} points from the price, ${passed ? 'meets' : 'inside'} the stops level ${instrument.stopsLevel}`
      : '',
  };
};

/**
 * Value: the money the trade loses at its stop, spread and round-trip commission included (what
 * the minimum volume would lose when no volume fits); limit: the risk budget. The reason breaks
 * the loss down into price and commission.
 */
export const positionSized: RiskCheck = (_context, { size }, explain) => ({
  name: 'position_size',
  passed: size.tradable,
  value: size.lossAtStop?.total ?? null,
  limit: size.riskBudget,
  reason: explain ? size.reason() : '',
});

/** The opening deal's commission comes out of the free margin too, as the broker books it with the fill. */
export const marginAvailable: RiskCheck = ({ account, instrument }, plan, explain) => {
  const commission = instrument.commissionPerLot * plan.size.volume;
  const needed = plan.requiredMargin + commission;
  const passed = needed <= account.freeMargin;
  return {
    name: 'margin',
    passed,
    value: needed,
    limit: account.freeMargin,
    reason: explain
      ? `required margin ${plan.requiredMargin.toFixed(2)} + ${commission.toFixed(2)} opening commission ${passed ? 'within' : 'exceeds'} free margin ${account.freeMargin.toFixed(2)}`
      : '',
  };
};
