import { Migration } from '@mikro-orm/migrations';

export class Migration20261124090000_ApiTokens extends Migration {
  override name = 'Migration20261124090000_ApiTokens';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "api_token" ("id" serial primary key, "name" varchar(255) not null, "scope" text check ("scope" in ('read', 'trade')) not null, "secret_hash" varchar(64) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null);`,
    );
    this.addSql(`alter table "api_token" add constraint "api_token_name_unique" unique ("name");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "api_token" cascade;`);
  }
}
