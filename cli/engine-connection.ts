// What a command that drives bots talks to: the engine's database and Temporal (the bots'
// schedules and the global kill-switch). Without DATABASE_URL and TEMPORAL_ADDRESS it finds the
// ones `npm start` runs on this machine.
import { GlobalKillSwitch } from '../bots/kill-switch.ts';
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { loadConfig } from '../infra/config.ts';
import { connectTemporal, type TemporalConnections } from '../infra/startup.ts';
import { connectToDatabase, type DatabaseConnection, type WithConnection } from './database-connection.ts';

export interface EngineConnection extends DatabaseConnection {
  temporal: TemporalConnections;
  schedules: BotSchedules;
  bots: BotService;
  killSwitch: GlobalKillSwitch;
}

export type WithEngine = WithConnection<EngineConnection>;

export async function connectToEngine(): Promise<EngineConnection> {
  const config = loadConfig();
  const database = await connectToDatabase(config);
  let temporal: TemporalConnections;
  try {
    temporal = await connectTemporal(
      config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`,
      config.TEMPORAL_NAMESPACE,
    );
  } catch (error) {
    await database.close();
    throw error;
  }
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  return {
    ...database,
    temporal,
    schedules,
    bots: new BotService(database.orm.em, schedules, database.symbols),
    killSwitch: new GlobalKillSwitch(database.orm, schedules, temporal.client, config.TEMPORAL_TASK_QUEUE),
    async close() {
      await temporal.close();
      await database.close();
    },
  };
}
