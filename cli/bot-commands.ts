// `scalper setup-bot` and `scalper configure`: a bot created or changed with every setting it
// takes, the strategies' window, risk settings and strategy parameters included, so a bot can be
// made with its own risk before its first cycle instead of trading the defaults until configured.
import type { Command } from 'commander';
import type { NewBot } from '../bots/settings.ts';
import { STRATEGY_NAMES, type StrategyName } from '../trading/strategies/index.ts';
import type { WithEngine } from './engine-connection.ts';
import { afterBarClose, integer, onOff, setting, strategies, strategyParam } from './options.ts';

type Print = (line: string) => void;

/** The options both commands take for the settings kept as JSON on the bot. */
interface SettingOptions {
  lookback?: number;
  risk?: Record<string, unknown>;
  param?: Record<string, Record<string, unknown>>;
}

function withSettingOptions(command: Command): Command {
  return command
    .option(
      '--lookback <bars>',
      "fewest closed bars in the strategies' window, up to twice as many (raised to the strategies' warm-up)",
      integer,
    )
    .option('--risk <key=value>', 'a risk setting, e.g. maxConcurrentPositions=2 (repeatable)', setting)
    .option(
      '--param <strategy.key=value>',
      'a strategy parameter, e.g. pin_bar.maxBodyRatio=0.3 (repeatable)',
      strategyParam,
    );
}

/** The settings given, as the bot service takes them; the service refuses unknown or bad ones. */
function settingsOf(options: SettingOptions): Pick<NewBot, 'lookback' | 'riskSettings' | 'strategyParams'> {
  return {
    ...(options.lookback !== undefined ? { lookback: options.lookback } : {}),
    ...(options.risk ? { riskSettings: options.risk } : {}),
    ...(options.param ? { strategyParams: options.param } : {}),
  };
}

export function addSetupBotCommand(program: Command, withEngine: WithEngine, print: Print): void {
  const command = program
    .command('setup-bot')
    .alias('setup_scalper_bot')
    .description("Create a scalper bot and its 45-second schedule (the seed system's setup_scalper_bot)")
    .requiredOption('--symbol <symbol>', 'MT5 symbol, e.g. XAUUSDm')
    .option('--name <name>', 'bot name (default: scalper-<symbol>)')
    .option('--auto-trade', 'send orders for decisions that pass the risk checks', false)
    .option('--strategies <list>', `comma-separated, of ${STRATEGY_NAMES.join(', ')}`, strategies)
    .option('--account <name>', 'broker account (scalper account list; paper-… needs no registering)', 'paper-1')
    .option('--interval <seconds>', 'seconds between cycles', integer, 45)
    .option('--after-bar-close <seconds>', 'cycle that many seconds after each M1 bar closes instead', integer)
    .option('--paused', 'create it with its schedule paused', false);
  withSettingOptions(command).action(
    withEngine(
      async (
        engine,
        options: SettingOptions & {
          symbol: string;
          name?: string;
          autoTrade: boolean;
          strategies?: StrategyName[];
          account: string;
          interval: number;
          afterBarClose?: number;
          paused: boolean;
        },
      ) => {
        const bot = await engine.bots.create({
          name: options.name ?? `scalper-${options.symbol.toLowerCase()}`,
          symbol: options.symbol,
          autoTrade: options.autoTrade,
          ...(options.strategies ? { enabledStrategies: options.strategies } : {}),
          brokerAccount: options.account,
          scheduleIntervalSeconds: options.interval,
          ...(options.afterBarClose !== undefined ? { barCloseDelaySeconds: options.afterBarClose } : {}),
          ...settingsOf(options),
          paused: options.paused,
        });
        print(
          `created bot ${bot.id} ${bot.name}: ${bot.symbol}, ${bot.enabledStrategies.join(', ')}, auto-trade ${bot.autoTrade ? 'on' : 'off'}`,
        );
        print(
          `schedule scalper-bot-${bot.id}: ${bot.barCloseDelaySeconds === null ? `every ${bot.scheduleIntervalSeconds} s` : `${bot.barCloseDelaySeconds} s after each M1 bar closes`}${options.paused ? ', paused' : ''}`,
        );
      },
    ),
  );
}

export function addConfigureCommand(program: Command, withEngine: WithEngine, print: Print): void {
  const command = program
    .command('configure')
    .argument('<botId>', 'bot id', integer)
    .description("Change a bot's settings; its schedule follows and keeps its pause state")
    .option('--name <name>', 'a new name')
    .option('--symbol <symbol>', 'a new symbol, one its account offers (the bot must be flat)')
    .option('--account <login>', 'a new broker account (the bot must be flat)')
    .option('--auto-trade <on|off>', 'send orders or only record decisions', onOff)
    .option('--strategies <list>', `enabled strategies, of ${STRATEGY_NAMES.join(', ')}`, strategies)
    .option('--interval <seconds>', 'seconds between cycles', integer)
    .option(
      '--after-bar-close <seconds|off>',
      'cycle that many seconds after each M1 bar closes; off: the interval',
      afterBarClose,
    );
  withSettingOptions(command).action(
    withEngine(
      async (
        engine,
        botId: number,
        options: SettingOptions & {
          name?: string;
          symbol?: string;
          account?: string;
          autoTrade?: boolean;
          strategies?: StrategyName[];
          interval?: number;
          afterBarClose?: number | null;
        },
      ) => {
        const { bot, changed } = await engine.bots.update(botId, {
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.symbol !== undefined ? { symbol: options.symbol } : {}),
          ...(options.account !== undefined ? { brokerAccount: options.account } : {}),
          ...(options.autoTrade !== undefined ? { autoTrade: options.autoTrade } : {}),
          ...(options.strategies ? { enabledStrategies: options.strategies } : {}),
          ...(options.interval !== undefined ? { scheduleIntervalSeconds: options.interval } : {}),
          ...(options.afterBarClose !== undefined ? { barCloseDelaySeconds: options.afterBarClose } : {}),
          ...settingsOf(options),
        });
        print(
          changed.length === 0
            ? `bot ${bot.id}: nothing to change (version ${bot.version})`
            : `bot ${bot.id} updated (version ${bot.version}): changed ${changed.join(', ')}`,
        );
      },
    ),
  );
}
