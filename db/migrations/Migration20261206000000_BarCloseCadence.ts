import { Migration } from '@mikro-orm/migrations';

export class Migration20261206000000_BarCloseCadence extends Migration {
  override name = 'Migration20261206000000_BarCloseCadence';

  override up(): void | Promise<void> {
    // null: the bot cycles every schedule_interval_seconds, as every bot did before.
    this.addSql(`alter table "bot" add "bar_close_delay_seconds" int null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bot" drop column "bar_close_delay_seconds";`);
  }
}
