// The migration that gave orders their latest send (Migration20261207000000_OrderLastSentAt), run
// over rows written before it: an unsettled order waits from the latest its row was written (a
// resend, or the answer it lost), so a MetaApi trade that may still land is not sent again early;
// a settled one keeps its first send; one never sent has none.
import { MIGRATIONS } from '../../../db/migrations/index.ts';
import { newBotRow } from '../../support/bot-row.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const MIGRATION = 'Migration20261207000000_OrderLastSentAt';
const BEFORE = MIGRATIONS[MIGRATIONS.findIndex((migration) => migration.name === MIGRATION) - 1]!.name;
const SENT = '2026-12-06T10:00:00.000Z';
const WRITTEN = '2026-12-06T10:03:30.000Z';

describe('Migration20261207000000_OrderLastSentAt', () => {
  it('fills each existing order’s latest send from what its row says', async () => {
    // Back to the schema the rows were written under; the migrations after it come back at the end.
    await db.orm.migrator.down({ to: BEFORE });
    const sql = db.orm.em.getConnection();
    const columns = await sql.execute(
      `select column_name from information_schema.columns where table_name = 'order' and column_name = 'last_sent_at'`,
    );
    expect(columns).toEqual([]);

    const bot = newBotRow(db.orm.em.fork(), { name: 'before-migration', magic: 4711 });
    await db.orm.em.fork().persist(bot).flush();
    const rows: Array<[string, string, string | null, string]> = [
      ['new-resent', 'new', SENT, WRITTEN],
      ['sent-lost', 'sent', SENT, WRITTEN],
      ['unknown-lost', 'unknown', SENT, WRITTEN],
      // A row whose clock ran behind its send: the send still counts.
      ['sent-skewed', 'sent', WRITTEN, SENT],
      ['filled', 'filled', SENT, WRITTEN],
      ['rejected', 'rejected', SENT, WRITTEN],
      ['never-sent', 'new', null, WRITTEN],
    ];
    for (const [clientOrderId, status, sentAt, updatedAt] of rows) {
      await sql.execute(
        // Closes, which need no decision row; the backfill reads only the status and the two times.
        `insert into "order" ("bot_id", "client_order_id", "purpose", "position_ticket", "close_reason", "symbol", "side", "volume", "requested_price", "status", "created_at", "sent_at", "updated_at")
         values (?, ?, 'close', '7001', 'manual', 'XAUUSDm', 'sell', 0.1, 2650, ?, ?, ?, ?)`,
        [bot.id, clientOrderId, status, SENT, sentAt, updatedAt],
      );
    }

    await db.orm.migrator.up({ to: MIGRATION });
    const filled = await sql.execute<Array<{ client_order_id: string; last_sent_at: string | Date | null }>>(
      `select "client_order_id", "last_sent_at" from "order" order by "id"`,
    );
    expect(
      Object.fromEntries(
        filled.map((row) => [
          row.client_order_id,
          row.last_sent_at === null ? null : new Date(row.last_sent_at).toISOString(),
        ]),
      ),
    ).toEqual({
      'new-resent': WRITTEN,
      'sent-lost': WRITTEN,
      'unknown-lost': WRITTEN,
      'sent-skewed': WRITTEN,
      filled: SENT,
      rejected: SENT,
      'never-sent': null,
    });
    await db.orm.migrator.up();
    expect(await db.orm.migrator.getPending()).toEqual([]);
  });
});
