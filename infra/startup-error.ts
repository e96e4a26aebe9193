/** A setting or a server the engine cannot start with; printed as one line naming the setting. */
export class StartupError extends Error {
  override name = 'StartupError';
}
