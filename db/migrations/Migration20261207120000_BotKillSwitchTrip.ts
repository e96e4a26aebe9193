import { Migration } from '@mikro-orm/migrations';

export class Migration20261207120000_BotKillSwitchTrip extends Migration {
  override name = 'Migration20261207120000_BotKillSwitchTrip';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bot" add "kill_switch_tripped_at" timestamptz null, add "kill_switch_reason" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bot" drop column "kill_switch_tripped_at", drop column "kill_switch_reason";`);
  }
}
