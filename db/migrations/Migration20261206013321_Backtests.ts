import { Migration } from '@mikro-orm/migrations';

export class Migration20261206013321_Backtests extends Migration {
  override name = 'Migration20261206013321_Backtests';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "backtest" ("id" serial primary key, "status" text check ("status" in ('queued', 'running', 'completed', 'failed')) not null default 'queued', "symbol" varchar(255) not null, "bot_id" int null, "request" jsonb not null, "settings" jsonb null, "workflow_id" varchar(255) not null, "run_id" varchar(255) null, "bars_done" int null, "bars_total" int null, "summary" jsonb null, "trades" jsonb null, "report_html" text null, "error" text null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null);`,
    );
    this.addSql(`alter table "backtest" add constraint "backtest_workflow_id_unique" unique ("workflow_id");`);
    this.addSql(`create index "backtest_created_at_id_index" on "backtest" ("created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "backtest" cascade;`);
  }
}
