import { Migration } from '@mikro-orm/migrations';

export class Migration20261124100000_BotNameLive extends Migration {
  override name = 'Migration20261124100000_BotNameLive';

  override up(): void | Promise<void> {
    // A deleted bot keeps its row (its audit trail) but not its name: names are unique among live bots.
    this.addSql(`alter table "bot" drop constraint "bot_name_unique";`);
    this.addSql(`create unique index "bot_name_live_unique" on "bot" ("name") where "deleted_at" is null;`);
  }

  override down(): void | Promise<void> {
    // Fails if a live bot took a deleted bot's name: rename one of them first.
    this.addSql(`drop index "bot_name_live_unique";`);
    this.addSql(`alter table "bot" add constraint "bot_name_unique" unique ("name");`);
  }
}
