import { Migration } from '@mikro-orm/migrations';

/** Bots that limit an account's day decide on it one at a time (db/account-risk-lock.ts). */
export class Migration20261207170000_AccountRiskLease extends Migration {
  override name = 'Migration20261207170000_AccountRiskLease';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "account_risk_lease" ("broker_account" varchar(255) not null, "holder" varchar(255) not null, "expires_at" timestamptz not null, constraint "account_risk_lease_pkey" primary key ("broker_account"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "account_risk_lease" cascade;`);
  }
}
