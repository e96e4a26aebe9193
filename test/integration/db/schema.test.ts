import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Bot, Signal } from '../../../db/entities/index.ts';
import { MIGRATIONS } from '../../../db/migrations/index.ts';
import { newBotRow } from '../../support/bot-row.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

function newBot(name: string, magic: number) {
  return newBotRow(db.orm.em.fork(), { name, magic });
}

describe('schema', () => {
  it('applies the committed migration and records it', async () => {
    const pending = await db.orm.migrator.getPending();
    expect(pending).toEqual([]);
    const executed = await db.orm.migrator.getExecuted();
    expect(executed.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(executed[0]?.name).toMatch(/_Initial$/);
  });

  it('keeps bot names unique among live bots only, as the entity declares', async () => {
    // MikroORM's diff of the entities against the migrated schema has nothing to say about the bot table.
    expect(await db.orm.schema.getUpdateSchemaSQL({ wrap: false })).not.toMatch(/"bot"|bot_name/);
    const em = db.orm.em.fork();
    const retired = newBot('live-name', 9003);
    await em.persist(retired).flush();
    await expect(db.orm.em.fork().persist(newBot('live-name', 9004)).flush()).rejects.toBeInstanceOf(
      UniqueConstraintViolationException,
    );
    retired.deletedAt = new Date();
    await em.flush();
    await db.orm.em.fork().persist(newBot('live-name', 9005)).flush();
  });

  it('refuses a second signal for the same bot, strategy and bar', async () => {
    const em = db.orm.em.fork();
    const bot = newBot('dedupe', 9001);
    await em.persist(bot).flush();
    const signal = {
      bot,
      strategy: 'pin_bar',
      symbol: 'XAUUSDm',
      direction: 'buy' as const,
      barTime: new Date('2026-11-23T10:00:00Z'),
      score: 0.7,
      entryPrice: 2650.1,
      stopLoss: null,
      takeProfit: null,
      payload: { bodyRatio: 0.2 },
    };
    await em.persist(em.create(Signal, signal)).flush();
    const again = db.orm.em.fork();
    await expect(
      again.persist(again.create(Signal, { ...signal, bot: again.getReference(Bot, bot.id) })).flush(),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
  });

  it('stores prices as NUMERIC without float drift', async () => {
    const em = db.orm.em.fork();
    const bot = newBot('numeric', 9002);
    await em.persist(bot).flush();
    await em
      .persist(
        em.create(Signal, {
          bot,
          strategy: 'pin_bar',
          symbol: 'XAUUSDm',
          direction: 'sell',
          barTime: new Date('2026-11-23T10:01:00Z'),
          score: 0.1234,
          entryPrice: 2650.123,
          stopLoss: 2651.1,
          takeProfit: null,
          payload: {},
        }),
      )
      .flush();
    const rows = await em
      .getConnection()
      .execute(
        'select entry_price::text as p, pg_typeof(entry_price)::text as t from signal where strategy = ? and direction = ?',
        ['pin_bar', 'sell'],
      );
    expect(rows).toEqual([{ p: '2650.12300000', t: 'numeric' }]);
  });
});
