// Bot schedules for a test file: a fresh database, the real Temporal dev server, and a bot service
// whose schedules start cycles on a queue nobody polls — the schedules are real, their cycles
// never run. Set up before the file's tests, torn down after.
import { BotSchedules } from '../../bots/schedule.ts';
import { BotService } from '../../bots/service.ts';
import { brokerSymbolCatalog } from '../../brokers/symbol-catalog.ts';
import type { TemporalConnections } from '../../infra/startup.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { connectTestTemporal, uniqueTaskQueue } from './temporal.ts';

export interface ScheduleRig {
  db: TestDatabase;
  temporal: TemporalConnections;
  schedules: BotSchedules;
  bots: BotService;
}

/** The rig, filled in by the file's beforeAll; read its fields inside tests. */
export function scheduleRig(): ScheduleRig {
  const rig = {} as ScheduleRig;
  beforeAll(async () => {
    rig.db = await createTestDatabase();
    rig.temporal = await connectTestTemporal();
    rig.schedules = new BotSchedules(rig.temporal.client, uniqueTaskQueue('unpolled'));
    rig.bots = new BotService(rig.db.orm.em, rig.schedules, brokerSymbolCatalog());
  });
  afterAll(async () => {
    await rig.temporal?.close();
    await rig.db?.drop();
  });
  return rig;
}
