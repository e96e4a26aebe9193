import { Migration } from '@mikro-orm/migrations';

export class Migration20261123235141_BotDeletedAt extends Migration {
  override name = 'Migration20261123235141_BotDeletedAt';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bot" add "deleted_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bot" drop column "deleted_at";`);
  }
}
