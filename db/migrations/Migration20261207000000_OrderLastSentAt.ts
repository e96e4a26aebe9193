import { Migration } from '@mikro-orm/migrations';

export class Migration20261207000000_OrderLastSentAt extends Migration {
  override name = 'Migration20261207000000_OrderLastSentAt';

  override up(): void | Promise<void> {
    this.addSql(`alter table "order" add "last_sent_at" timestamptz null;`);
    // Orders written before it: an unsettled one's latest send is at the latest its row's last
    // write (a resend, or the answer it lost); a settled one's is of no more use than its first.
    this.addSql(
      `update "order" set "last_sent_at" = case when "status" in ('new', 'sent', 'unknown') then greatest("sent_at", "updated_at") else "sent_at" end where "sent_at" is not null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "order" drop column "last_sent_at";`);
  }
}
