/** The bot does not exist (or was deleted). */
export class BotNotFoundError extends Error {
  override name = 'BotNotFoundError';
  constructor(botId: number) {
    super(`bot ${botId} does not exist`);
  }
}

/** The request conflicts with the bot's state (open positions, a concurrent change, a taken name). */
export class BotConflictError extends Error {
  override name = 'BotConflictError';
}

/** Settings the engine does not know, by their full names (a typo must not pass silently). */
export class UnknownSettingsError extends Error {
  override name = 'UnknownSettingsError';
  readonly settings: string[];
  constructor(settings: string[]) {
    super(`unknown setting(s): ${settings.join(', ')}`);
    this.settings = settings;
  }
}
