// `scalper account check` against a real gateway: the Python gateway on its simulated terminal,
// registered with `scalper account add` as an operator would. The CLI connects with the token from
// the environment variable the account names, and prints the account and the symbol specs as the
// terminal reports them, with the account's own overrides applied.
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { gatewaySymbol, SERVER_UTC_OFFSET_HOURS, simulator } from '../brokers/mt5-gateway-harness.ts';
import { runScalper } from '../../support/scalper-cli.ts';

const TOKEN = 'account-check-token';
const CLOCK = Date.UTC(2026, 10, 18, 12, 0, 30);

let db: TestDatabase;
let gateway: GatewayProcess;

beforeAll(async () => {
  [db, gateway] = await Promise.all([
    createTestDatabase(),
    startGateway({ token: TOKEN, tradeTimeoutMs: 2_000, serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS }),
  ]);
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

function scalper(args: string[], env: Record<string, string> = {}) {
  return runScalper(args, { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env });
}

/** Five closed minutes of flat prices before the clock, with `spread` points. */
function bars(price: number, spread: number) {
  return Array.from({ length: 5 }, (_, i) => ({
    time_msc: CLOCK - 30_000 - (5 - i) * 60_000,
    open: price,
    high: price,
    low: price,
    close: price,
    spread,
  }));
}

/** A EUR account offering USD-quoted gold and EURUSD: the tick values are in EUR, as MT5 gives them. */
async function loadTerminal(overrides: Record<string, unknown> = {}) {
  await simulator(gateway).scenario({
    mode: 'hedging',
    balance: 12_345.67,
    currency: 'EUR',
    leverage: 200,
    login: 7_700_100,
    trade_mode: 'demo',
    server_utc_offset_hours: SERVER_UTC_OFFSET_HOURS,
    clock: { manual: CLOCK },
    symbols: [
      { ...gatewaySymbol(), trade_tick_value: 0.86, margin_rate: 0.005, bars: bars(2650, 25) },
      {
        name: 'EURUSDm',
        digits: 5,
        point: 0.00001,
        trade_tick_size: 0.00001,
        trade_tick_value: 0.86,
        trade_contract_size: 100_000,
        volume_min: 0.01,
        volume_max: 200,
        volume_step: 0.01,
        currency_base: 'EUR',
        currency_profit: 'USD',
        bars: bars(1.16, 12),
      },
    ],
    ...overrides,
  });
}

async function addAccount(name: string, tokenEnv: string) {
  const added = await scalper([
    'account',
    'add',
    '--name',
    name,
    '--kind',
    'mt5-gateway',
    '--url',
    gateway.baseUrl,
    '--token-env',
    tokenEnv,
    '--instrument',
    'XAUUSDm:pipSize=0.1,commissionPerLot=3.5,maxSpreadPoints=60',
  ]);
  expect(added).toMatchObject({ code: 0, stderr: '' });
}

describe('scalper account check over a real gateway', () => {
  it('connects with the token from its variable and prints the account and each spec the terminal reports', async () => {
    await loadTerminal();
    await addAccount('gw-check', 'GW_CHECK_TOKEN');

    const checked = await scalper(['account', 'check', 'gw-check', '--symbol', 'XAUUSDm', 'EURUSDm'], {
      GW_CHECK_TOKEN: TOKEN,
    });
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    const lines = checked.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'account gw-check (mt5-gateway, registered demo)',
      'login 7700100: demo account, EUR, 1:200, hedging',
      'balance 12345.67  equity 12345.67  margin 0.00  free 12345.67',
    ]);
    // Gold as the terminal reports it, the tick value in the account's EUR, with the overrides added;
    // the margin rate is the terminal's margin of a lot (in cents) over its notional.
    expect(lines[3]).toMatch(
      /^XAUUSDm: digits 2, point 0\.01, tick 0\.01 = 0\.86 per lot; contract 100, volume 0\.01–200 step 0\.01; stops level 20, freeze level 0 points, filling FOK\/IOC; pip 0\.1, commission 3\.5 per lot per side, margin rate 0\.00499998\d*$/,
    );
    // Without overrides: the pip is ten points and no commission is counted, each said after the spec.
    expect(lines[4]).toMatch(
      /^EURUSDm: digits 5, point 0\.00001, tick 0\.00001 = 0\.86 per lot; contract 100000, volume 0\.01–200 step 0\.01; stops level 0, freeze level 0 points, filling FOK\/IOC; pip 0\.0001, commission 0 per lot per side, margin rate 0\.0099999\d*$/,
    );
    expect(lines.slice(5)).toEqual([
      'EURUSDm: pip 0.0001 is assumed (10 points): right for 5- and 3-digit forex, not for gold, indices or crypto, and every pip setting (SL, TP, trailing stop, stop buffers) is scaled by it; set it with `scalper account set-instrument gw-check --instrument EURUSDm:pipSize=<pip> --reason …`',
      'EURUSDm: no commission set: sizing and the margin check count none; set it with `scalper account set-instrument gw-check --instrument EURUSDm:commissionPerLot=<per lot per side> --reason …`',
      '2 symbols offered',
      '',
    ]);
    expect(checked.stdout).not.toContain(TOKEN);
  });

  it('prints a symbol the terminal has no price for yet, with no margin rate (0: the engine uses 1 / leverage)', async () => {
    const silver = { name: 'XAGUSDm', digits: 3, point: 0.001, trade_tick_size: 0.001, trade_tick_value: 4.3 };
    await loadTerminal({ symbols: [{ ...silver, trade_contract_size: 5_000, bars: [] }] });
    await addAccount('gw-check-unquoted', 'GW_CHECK_UNQUOTED_TOKEN');

    // The gateway cannot ask the terminal for the margin of a lot without a price: margin_rate null.
    const checked = await scalper(['account', 'check', 'gw-check-unquoted', '--symbol', 'XAGUSDm'], {
      GW_CHECK_UNQUOTED_TOKEN: TOKEN,
    });
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toContain(
      'XAGUSDm: digits 3, point 0.001, tick 0.001 = 4.3 per lot; contract 5000, volume 0.01–200 step 0.01; ' +
        'stops level 0, freeze level 0 points, filling FOK/IOC; pip 0.01, commission 0 per lot per side, margin rate 0\n',
    );
  });

  it('refuses a login that trades real money on an account registered demo, after printing what it found', async () => {
    await loadTerminal({ trade_mode: 'real', login: 7_700_200 });
    await addAccount('gw-check-real', 'GW_CHECK_REAL_TOKEN');

    const checked = await scalper(['account', 'check', 'gw-check-real', '--symbol', 'XAUUSDm'], {
      GW_CHECK_REAL_TOKEN: TOKEN,
    });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain('login 7700200: real account, EUR, 1:200, hedging');
    expect(checked.stderr).toBe(
      'scalper: gw-check-real is registered demo, but login 7700200 trades real money: its bots will not trade\n',
    );
  });

  it('a wrong token is refused by the gateway, and the CLI says which account could not be reached', async () => {
    await loadTerminal();
    await addAccount('gw-check-token', 'GW_CHECK_WRONG_TOKEN');

    const checked = await scalper(['account', 'check', 'gw-check-token'], { GW_CHECK_WRONG_TOKEN: 'not-the-token' });
    expect(checked.code).toBe(1);
    expect(checked.stdout).toBe('');
    expect(checked.stderr).toMatch(
      /^scalper: cannot reach account gw-check-token: mt5-gateway "gw-check-token" at \S+ refused the account's token \(401: /,
    );
    expect(checked.stderr).not.toContain('not-the-token');
  });
});
