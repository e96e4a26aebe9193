export const SERVERS_KEY = '__scalperTestServers';

export interface TestServers {
  stops: Array<() => Promise<void>>;
}
