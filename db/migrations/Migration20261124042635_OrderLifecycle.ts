import { Migration } from '@mikro-orm/migrations';

export class Migration20261124042635_OrderLifecycle extends Migration {
  override name = 'Migration20261124042635_OrderLifecycle';

  override up(): void | Promise<void> {
    this.addSql(`alter table "bot" drop constraint "bot_status_check";`);
    this.addSql(
      `alter table "bot" add constraint "bot_status_check" check ("status" in ('active', 'reducing', 'paused'));`,
    );

    this.addSql(
      `alter table "cycle_run" add "orders_filled" int not null default 0, add "orders_rejected" int not null default 0, add "closes" int not null default 0;`,
    );

    this.addSql(`alter table "order" add "position_ticket" varchar(255) null, add "close_reason" text null;`);
    this.addSql(
      `alter table "order" add constraint "order_close_reason_check" check ("close_reason" in ('tp', 'sl', 'trailing', 'kill_switch', 'manual', 'external'));`,
    );
    // An open comes from a decision; a close names the position it closes and why.
    this.addSql(
      `alter table "order" add constraint "order_purpose_fields_check" check (("purpose" = 'open' and "decision_id" is not null) or ("purpose" = 'close' and "position_ticket" is not null and "close_reason" is not null));`,
    );

    // Magic numbers from a sequence: concurrent creates never race for max(magic) + 1.
    this.addSql(`create sequence "bot_magic_seq" as int minvalue 770001;`);
    this.addSql(
      `select setval('bot_magic_seq', greatest(770001, coalesce((select max("magic") + 1 from "bot"), 770001)), false);`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop sequence "bot_magic_seq";`);
    this.addSql(`alter table "order" drop constraint "order_purpose_fields_check";`);
    this.addSql(`alter table "bot" drop constraint "bot_status_check";`);
    this.addSql(`alter table "bot" add constraint "bot_status_check" check ("status" in ('active', 'paused'));`);

    this.addSql(
      `alter table "cycle_run" drop column "orders_filled", drop column "orders_rejected", drop column "closes";`,
    );

    this.addSql(`alter table "order" drop constraint "order_close_reason_check";`);
    this.addSql(`alter table "order" drop column "position_ticket", drop column "close_reason";`);
  }
}
