import { Migration } from '@mikro-orm/migrations';

export class Migration20261124091000_CommissionPerLot extends Migration {
  override name = 'Migration20261124091000_CommissionPerLot';

  override up(): void | Promise<void> {
    // The instrument table is a cache of the broker's specs. Emptying it makes the next read ask the
    // broker again, commission included, instead of sizing with an invented default.
    this.addSql(`delete from "instrument";`);
    this.addSql(`alter table "instrument" add "commission_per_lot" numeric(18,8) not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "instrument" drop column "commission_per_lot";`);
  }
}
