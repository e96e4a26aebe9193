// `scalper account …`: the broker accounts bots trade on. Settings name the environment variable
// that holds a token, never the token; `check` connects and prints what the broker says.
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import {
  ACCOUNT_ENVIRONMENTS,
  ACCOUNT_KINDS,
  MissingSecretError,
  type AccountEnvironment,
  type AccountKind,
  type Mt5GatewayConnection,
} from '../brokers/accounts.ts';
import { DEFAULT_LATE_SEND_MS } from '../brokers/metaapi/index.ts';
import { caCertDaysLeft, describeCaCert } from '../brokers/mt5-gateway/ca-cert.ts';
import type { AccountInfo } from '../brokers/port.ts';
import { AccountUnreachableError } from '../brokers/symbol-catalog.ts';
import { AccountConflictError, configOf } from '../db/broker-accounts.ts';
import { Bot, type IBrokerAccount } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import type { WithDatabase } from './database-connection.ts';
import { addSetInstrumentCommand, assumedFacts } from './account-instruments.ts';
import { instrumentOverride, oneOf } from './options.ts';

/** `account check` warns this many days before the certificate an account trusts expires. */
const CA_CERT_WARN_DAYS = 30;

interface AddOptions {
  name: string;
  kind: AccountKind;
  environment: AccountEnvironment;
  url?: string;
  tokenEnv?: string;
  accountId?: string;
  region?: string;
  mode?: string;
  balance?: number;
  leverage?: number;
  latencyMs?: number;
  lateSendMs?: number;
  caFile?: string;
  instrument?: Record<string, Record<string, unknown>>;
}

/** A certificate file's text; the account's schema then says whether it holds certificates. */
function pemFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidArgumentError(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The kind's connection settings from the flags given; the kind's schema says what is missing. */
function connectionOf(options: AddOptions): Record<string, unknown> {
  const given = Object.entries({
    url: options.url,
    tokenEnv: options.tokenEnv,
    accountId: options.accountId,
    region: options.region,
    mode: options.mode,
    balance: options.balance,
    leverage: options.leverage,
    latencyMs: options.latencyMs,
    lateSendMs: options.lateSendMs,
    caCert: options.caFile,
    instruments: options.instrument,
  }).filter(([, value]) => value !== undefined);
  return Object.fromEntries(given);
}

function describeGateway(settings: Mt5GatewayConnection, env: NodeJS.ProcessEnv): string {
  const token = `token $${settings.tokenEnv}${env[settings.tokenEnv] ? '' : ' (unset here)'}`;
  return `${settings.url} ${token}${settings.caCert ? `, trusting ${describeCaCert(settings.caCert)}` : ''}`;
}

/** One line per account, with what it connects to and never a secret. */
function describeAccount(row: IBrokerAccount, env: NodeJS.ProcessEnv): string {
  const { connection } = configOf(row);
  const live = row.environment === 'live' ? ` live trading ${row.liveTradingEnabled ? 'ON' : 'off'}` : '';
  const where =
    connection.kind === 'mt5-gateway'
      ? describeGateway(connection.settings, env)
      : connection.kind === 'metaapi'
        ? `MetaApi account ${connection.settings.accountId} token $${connection.settings.tokenEnv}${env[connection.settings.tokenEnv] ? '' : ' (unset here)'}, a lost open waited on ${(connection.settings.lateSendMs ?? DEFAULT_LATE_SEND_MS) / 1000} s`
        : `${connection.settings.mode}, ${connection.settings.balance} at 1:${connection.settings.leverage}${connection.settings.latencyMs > 0 ? `, ${connection.settings.latencyMs} ms latency` : ''}`;
  return `${row.name}\t${row.kind}\t${row.environment}${live}\t${where}`;
}

function describeAccountInfo(info: AccountInfo): string[] {
  return [
    `login ${info.login}: ${info.tradeMode} account, ${info.currency}, 1:${info.leverage}, ${info.mode}`,
    `balance ${info.balance.toFixed(2)}  equity ${info.equity.toFixed(2)}  margin ${info.margin.toFixed(2)}  free ${info.freeMargin.toFixed(2)}`,
  ];
}

function describeSpec(spec: InstrumentSpec): string {
  return [
    `${spec.symbol}: digits ${spec.digits}, point ${spec.point}, tick ${spec.tickSize} = ${spec.tickValue} per lot`,
    `contract ${spec.contractSize}, volume ${spec.volumeMin}–${spec.volumeMax} step ${spec.volumeStep}`,
    `stops level ${spec.stopsLevel}, freeze level ${spec.freezeLevel} points, filling ${spec.fillingModes.join('/')}`,
    `pip ${spec.pipSize}, commission ${spec.commissionPerLot} per lot per side, margin rate ${spec.marginRate}`,
  ].join('; ');
}

export function addAccountCommands(
  program: Command,
  withDatabase: WithDatabase,
  print: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const account = program.command('account').description('The broker accounts bots trade on');

  account
    .command('add')
    .description('Register a broker account (secrets stay in environment variables)')
    .requiredOption('--name <name>', 'how bots refer to it, e.g. icm-demo')
    .requiredOption('--kind <kind>', ACCOUNT_KINDS.join(' | '), oneOf(ACCOUNT_KINDS))
    .option(
      '--environment <env>',
      'demo | live (live accounts trade only after enable-live)',
      oneOf(ACCOUNT_ENVIRONMENTS),
      'demo',
    )
    .option('--url <url>', 'mt5-gateway: the gateway, e.g. https://10.0.0.5:8765')
    .option(
      '--ca-file <path>',
      "mt5-gateway: the gateway's certificate (gateway-cert.pem from scalper-gateway make-cert), trusted for its https:// URL",
      pemFile,
    )
    .option('--token-env <variable>', 'mt5-gateway, metaapi: the environment variable holding the token')
    .option('--account-id <id>', 'metaapi: the MetaApi account id')
    .option('--region <region>', 'metaapi: the MetaApi region (default: the account’s)')
    .option(
      '--late-send-ms <ms>',
      'metaapi: how long after the engine gave up on an open MetaApi may still execute it; no resend before (default 120000, at least 60000)',
      Number,
    )
    .option('--mode <mode>', 'paper: hedging | netting')
    .option('--balance <amount>', 'paper: starting balance', Number)
    .option('--leverage <n>', 'paper: leverage', Number)
    .option('--latency-ms <ms>', 'paper: how long each call waits, as a round trip to a real venue would', Number)
    .option(
      '--instrument <SYMBOL:key=value,…>',
      'per symbol: pipSize, maxSpreadPoints, correlationGroup, commissionPerLot (repeatable)',
      instrumentOverride,
    )
    .action(
      withDatabase(async (database, options: AddOptions) => {
        const added = await database.accounts.add({
          name: options.name,
          kind: options.kind,
          environment: options.environment,
          connection: connectionOf(options),
        });
        print(`account ${added.name} added: ${added.environment} ${added.connection.kind}`);
        const given = Object.values(options.instrument ?? {});
        if (added.connection.kind !== 'paper' && !given.some((facts) => 'commissionPerLot' in facts))
          print(
            'no commissionPerLot given: sizing and the margin check count no commission on this account; ' +
              `set it with \`scalper account set-instrument ${added.name} --instrument <SYMBOL>:commissionPerLot=<per lot per side> --reason …\``,
          );
        if (added.connection.kind !== 'paper' && !given.some((facts) => 'pipSize' in facts))
          print(
            "no pipSize given: each symbol's pip is taken as 10 points, right for 5- and 3-digit forex, not for gold, indices or crypto; " +
              `set it with \`scalper account set-instrument ${added.name} --instrument <SYMBOL>:pipSize=<pip> --reason …\``,
          );
        if (added.environment === 'live')
          print(`live trading is off until \`scalper account enable-live ${added.name}\``);
        print(`check it with \`scalper account check ${added.name}\``);
      }),
    );

  account
    .command('list')
    .description('Registered accounts (unregistered paper-… names are paper accounts with the defaults)')
    .action(
      withDatabase(async (database) => {
        const rows = await database.accounts.list();
        if (rows.length === 0) print('no registered accounts; paper-… names need none');
        for (const row of rows) print(describeAccount(row, env));
      }),
    );

  account
    .command('check')
    .argument('<name>', 'account name')
    .option('--symbol <symbol...>', 'symbols to read the spec of (default: those its bots trade)')
    .description('Connect, then print the account and symbol specs the broker reports')
    .action(
      withDatabase(async (database, name: string, options: { symbol?: string[] }) => {
        const config = await database.accounts.resolve(name);
        const broker = database.symbols.brokerFor(name);
        const info = await broker.account().catch((error: unknown) => {
          throw error instanceof MissingSecretError ? error : new AccountUnreachableError(name, error);
        });
        print(`account ${name} (${config.connection.kind}, registered ${config.environment})`);
        const caCert = config.connection.kind === 'mt5-gateway' ? config.connection.settings.caCert : undefined;
        const daysLeft = caCert === undefined ? Infinity : caCertDaysLeft(caCert, new Date());
        if (daysLeft < CA_CERT_WARN_DAYS) {
          const when = daysLeft < 0 ? 'has expired' : `expires in ${daysLeft} day(s)`;
          print(
            `a certificate this account trusts ${when}: renew it (scalper-gateway make-cert --host … --force, then trust-ca) before calls stop`,
          );
        }
        for (const line of describeAccountInfo(info)) print(line);
        const bots = await database.orm.em.fork().find(Bot, { brokerAccount: name }, { fields: ['symbol'] });
        const symbols = options.symbol ?? [...new Set(bots.map((bot) => bot.symbol))];
        const facts = config.connection.kind === 'paper' ? null : (config.connection.settings.instruments ?? {});
        for (const symbol of symbols) {
          const spec = await broker.instrument(symbol);
          print(describeSpec(spec));
          for (const line of facts === null ? [] : assumedFacts(name, spec, facts)) print(line);
        }
        print(`${(await broker.symbols()).length} symbols offered`);
        if (config.environment === 'demo' && info.tradeMode === 'real')
          throw new AccountConflictError(
            `${name} is registered demo, but login ${info.login} trades real money: its bots will not trade`,
            'environment',
          );
      }),
    );

  addSetInstrumentCommand(account, withDatabase, print);

  account
    .command('enable-live')
    .argument('<name>', 'a live account')
    .requiredOption('--confirm <name>', 'the account name again: this lets bots trade real money')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .description('Opt a live account in to trading (audited)')
    .action(
      withDatabase(async (database, name: string, options: { confirm: string; reason: string }) => {
        if (options.confirm !== name)
          throw new AccountConflictError(`--confirm must repeat the account name ${name}`, 'confirm');
        await database.accounts.setLiveTrading(name, true, options.reason);
        print(`LIVE TRADING ENABLED on ${name}: its bots may now open real-money positions`);
      }),
    );

  account
    .command('disable-live')
    .argument('<name>', 'a live account')
    .requiredOption('--reason <text>', 'why, for the audit log')
    .description('Stop a live account from opening positions (open ones are still managed)')
    .action(
      withDatabase(async (database, name: string, options: { reason: string }) => {
        await database.accounts.setLiveTrading(name, false, options.reason);
        print(`live trading disabled on ${name}: its bots open nothing, and still manage what is open`);
      }),
    );

  account
    .command('trust-ca')
    .argument('<name>', 'an mt5-gateway account')
    .requiredOption('--ca-file <path>', "the gateway's new certificate (gateway-cert.pem)", pemFile)
    .requiredOption('--reason <text>', 'why, for the audit log')
    .option('--keep', 'trust it beside the current ones (while the gateway restarts with it), not instead')
    .option('--url <url>', "the gateway's https:// address, for an account registered with http:// (moved to HTTPS)")
    .description(
      'Replace the certificate an https:// gateway is trusted by (a renewed one); workers pick it up within a minute',
    )
    .action(
      withDatabase(
        async (database, name: string, options: { caFile: string; reason: string; keep?: boolean; url?: string }) => {
          const trusted = await database.accounts.setCaCert(name, options.caFile, options.reason, {
            keep: options.keep === true,
            ...(options.url === undefined ? {} : { url: options.url }),
          });
          const at = options.url === undefined ? '' : ` at ${options.url}`;
          print(`account ${name} now trusts ${describeCaCert(trusted)}${at}`);
        },
      ),
    );

  account
    .command('remove')
    .argument('<name>', 'account name')
    .description('Remove an account no bot uses')
    .action(
      withDatabase(async (database, name: string) => {
        await database.accounts.remove(name);
        print(`account ${name} removed`);
      }),
    );
}
