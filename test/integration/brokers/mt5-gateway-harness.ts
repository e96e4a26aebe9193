// The mt5-gateway adapter against the real gateway on its simulated terminal: scenarios are built
// from the broker contract's setup (the paper broker's XAUUSDm, a manual clock, scripted faults)
// and posted to the gateway's /simulator routes.
import { BrokerAccounts } from '../../../db/broker-accounts.ts';
import type { Orm } from '../../../db/orm.ts';
import { createMt5GatewayBroker, type Mt5GatewayBrokerOptions } from '../../../brokers/mt5-gateway/index.ts';
import { paperInstruments } from '../../../brokers/paper/instruments.ts';
import type { BrokerPort } from '../../../brokers/port.ts';
import type { Bar } from '../../../trading/market.ts';
import type { GatewayProcess } from '../../support/gateway-process.ts';
import {
  CONTRACT_SYMBOL,
  type ContractHarness,
  type ContractSetup,
} from '../../unit/brokers/contract/broker-contract.ts';

const MINUTE_MS = 60_000;
const LEVERAGE = 100;
/** Broker server time is UTC+2 in every scenario, so each time crosses the gateway's conversion. */
export const SERVER_UTC_OFFSET_HOURS = 2;
/** The gateway answers a hanging trade `unknown` after this; the adapter waits longer by default. */
export const GATEWAY_TRADE_TIMEOUT_MS = 400;

export type TradeFault = 'none' | 'timeout' | 'lost_reply' | 'hang' | 'disconnect' | `retcode:${number}`;

const SPEC = paperInstruments(LEVERAGE).find((spec) => spec.symbol === CONTRACT_SYMBOL)!;
const FILLING_BITS = { FOK: 1, IOC: 2, RETURN: 0 } as const;

/** What a scenario may change beyond the contract's setup. */
export interface ScenarioExtras {
  faults?: TradeFault[];
  fillingModes?: Array<'FOK' | 'IOC'>;
  invalidFillModes?: Array<'FOK' | 'IOC' | 'RETURN'>;
  rewriteComments?: boolean;
}

/** The contract's XAUUSDm as the simulated terminal's symbol spec, without bars. */
export function gatewaySymbol(fillingModes: ReadonlyArray<'FOK' | 'IOC'> = SPEC.fillingModes as Array<'FOK' | 'IOC'>) {
  return {
    name: SPEC.symbol,
    digits: SPEC.digits,
    point: SPEC.point,
    trade_tick_size: SPEC.tickSize,
    trade_tick_value: SPEC.tickValue,
    trade_contract_size: SPEC.contractSize,
    volume_min: SPEC.volumeMin,
    volume_max: SPEC.volumeMax,
    volume_step: SPEC.volumeStep,
    trade_stops_level: SPEC.stopsLevel,
    trade_freeze_level: SPEC.freezeLevel,
    filling_mode: fillingModes.reduce((bits, mode) => bits | FILLING_BITS[mode], 0),
    margin_rate: SPEC.marginRate,
    currency_profit: 'USD',
  };
}

export function scenarioBody(setup: ContractSetup, extras: ScenarioExtras = {}): Record<string, unknown> {
  return {
    mode: setup.mode,
    balance: setup.balance,
    currency: 'USD',
    leverage: LEVERAGE,
    login: 'contract-1',
    trade_mode: 0,
    server_utc_offset_hours: SERVER_UTC_OFFSET_HOURS,
    clock: { manual: setup.start + MINUTE_MS / 2 },
    symbols: [
      {
        ...gatewaySymbol(extras.fillingModes),
        bars: setup.bars.map((bar, minute) =>
          bar === null ? null : { time_msc: setup.start + minute * MINUTE_MS, ...bar, spread: setup.spreadPoints },
        ),
      },
    ],
    market_open: setup.marketOpen,
    commission_per_lot: setup.commissionPerLot,
    faults: { script: extras.faults ?? setup.faults },
    invalid_fill_modes: extras.invalidFillModes ?? [],
    rewrite_comments: extras.rewriteComments ?? false,
  };
}

/**
 * A simulated terminal serving a feed's bars (the paper broker's synthetic gold, say) with a
 * manual clock at `clockMs`, so the engine's cycles over HTTP see the market its paper tests see.
 */
export function feedScenarioBody(
  bars: readonly Bar[],
  clockMs: number,
  options: { balance: number; commissionPerLot: number; faults?: Record<string, unknown> },
): Record<string, unknown> {
  return {
    mode: 'hedging',
    balance: options.balance,
    currency: 'USD',
    leverage: LEVERAGE,
    login: 'feed-1',
    trade_mode: 0,
    server_utc_offset_hours: SERVER_UTC_OFFSET_HOURS,
    clock: { manual: clockMs },
    symbols: [
      {
        ...gatewaySymbol(),
        bars: bars.map((bar) => ({
          time_msc: bar.openTime,
          open: bar.open,
          high: bar.high,
          low: bar.low,
          close: bar.close,
          spread: bar.spread,
          tick_volume: bar.tickVolume,
        })),
      },
    ],
    commission_per_lot: options.commissionPerLot,
    faults: options.faults ?? {},
  };
}

/** The overrides an account on the gateway gives for the contract's XAUUSDm (what MT5 does not say). */
export function gatewayInstruments(commissionPerLot: number) {
  return {
    [CONTRACT_SYMBOL]: {
      pipSize: SPEC.pipSize,
      maxSpreadPoints: SPEC.maxSpreadPoints,
      correlationGroup: SPEC.correlationGroup,
      commissionPerLot,
    },
  };
}

/** The simulator's own routes (tests only), with the gateway's token. */
export function simulator(gateway: GatewayProcess) {
  async function post(path: string, body: unknown): Promise<unknown> {
    const response = await gateway.fetch(`${gateway.baseUrl}/simulator/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST /simulator/${path}: HTTP ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
  return {
    scenario: (body: Record<string, unknown>) => post('scenario', body),
    advance: (ms: number) => post('advance', { ms }),
    faults: (script: TradeFault[]) => post('faults', { script }),
    connection: (connected: boolean) => post('connection', { connected }),
    money: (type: string, amount: number) => post('money', { type, amount }),
    async state(): Promise<{ orders: unknown[]; deals: unknown[]; faults_injected: Record<string, number> }> {
      const response = await gateway.fetch(`${gateway.baseUrl}/simulator/state`, {
        headers: { authorization: `Bearer ${gateway.token}` },
      });
      if (!response.ok) throw new Error(`GET /simulator/state: HTTP ${response.status}: ${await response.text()}`);
      return (await response.json()) as {
        orders: unknown[];
        deals: unknown[];
        faults_injected: Record<string, number>;
      };
    },
  };
}

/** The adapter as an account would configure it: XAUUSDm with the paper broker's pip, spread cap and group. */
export function gatewayBroker(
  gateway: GatewayProcess,
  commissionPerLot: number,
  overrides: Partial<Mt5GatewayBrokerOptions> = {},
): BrokerPort {
  return createMt5GatewayBroker({
    name: 'contract-1',
    baseUrl: gateway.baseUrl,
    token: gateway.token,
    timeouts: { readMs: 5_000, tradeMs: 5_000 },
    instruments: gatewayInstruments(commissionPerLot),
    ...overrides,
  });
}

/** Resets the simulated terminal to `setup` and hands the contract a broker over it. */
export async function gatewayContractHarness(
  gateway: GatewayProcess,
  setup: ContractSetup,
  extras: ScenarioExtras = {},
): Promise<ContractHarness> {
  const sim = simulator(gateway);
  await sim.scenario(scenarioBody(setup, extras));
  return {
    broker: gatewayBroker(gateway, setup.commissionPerLot),
    async advanceMinutes(minutes) {
      await sim.advance(minutes * MINUTE_MS);
    },
    async bookMoney(type, amount) {
      await sim.money(type, amount);
    },
  };
}

/**
 * Registers a demo mt5-gateway account on `gateway`, as `scalper account add` would, with its token
 * in the environment variable it names (this process's; pass it on to child workers).
 */
export async function registerGatewayAccount(
  orm: Orm,
  gateway: GatewayProcess,
  account: { name: string; tokenEnv: string; commissionPerLot: number },
): Promise<void> {
  process.env[account.tokenEnv] = gateway.token;
  await new BrokerAccounts(orm.em).add({
    name: account.name,
    kind: 'mt5-gateway',
    environment: 'demo',
    connection: {
      url: gateway.baseUrl,
      tokenEnv: account.tokenEnv,
      instruments: gatewayInstruments(account.commissionPerLot),
    },
  });
}
