import { Migration } from '@mikro-orm/migrations';

export class Migration20261206160000_BacktestSweeps extends Migration {
  override name = 'Migration20261206160000_BacktestSweeps';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "backtest" add column "points_done" int null, add column "points_total" int null, add column "sweep_ranking" jsonb null, add column "walk_forward" jsonb null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "backtest" drop column "points_done", drop column "points_total", drop column "sweep_ranking", drop column "walk_forward";`,
    );
  }
}
