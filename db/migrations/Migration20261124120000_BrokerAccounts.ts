import { Migration } from '@mikro-orm/migrations';

export class Migration20261124120000_BrokerAccounts extends Migration {
  override name = 'Migration20261124120000_BrokerAccounts';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "broker_account" ("id" serial primary key, "name" varchar(255) not null, "kind" text check ("kind" in ('paper', 'mt5-gateway', 'metaapi')) not null, "environment" text check ("environment" in ('demo', 'live')) not null, "connection" jsonb not null, "live_trading_enabled" boolean not null default false, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "broker_account" add constraint "broker_account_name_unique" unique ("name");`);
    this.addSql(
      `alter table "bot" add column "startup_reconciled_at" timestamptz null, add column "startup_reconcile_error" text null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "bot" drop column "startup_reconciled_at", drop column "startup_reconcile_error";`);
    this.addSql(`drop table if exists "broker_account" cascade;`);
  }
}
