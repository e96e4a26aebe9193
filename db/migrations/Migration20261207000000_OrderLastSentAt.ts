import { Migration } from '@mikro-orm/migrations';

export class Migration20261207000000_OrderLastSentAt extends Migration {
  override name = 'Migration20261207000000_OrderLastSentAt';

  override up(): void | Promise<void> {
    this.addSql(`alter table "order" add "last_sent_at" timestamptz null;`);
    // Orders sent before this column: their one known send is the first.
    this.addSql(`update "order" set "last_sent_at" = "sent_at" where "sent_at" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "order" drop column "last_sent_at";`);
  }
}
