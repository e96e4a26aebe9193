// The README names only settings that exist, with their true defaults: its tables are generated
// from the schemas, and any setting named elsewhere in its text must be one of them.
import { readFile } from 'node:fs/promises';
import { README_PATH, readmeWithSettingsTables } from '../../../scripts/settings-table.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../../trading/strategies/index.ts';

const readme = await readFile(README_PATH, 'utf8');

describe('README bot settings', () => {
  it('carries the tables the schemas generate (run `npm run docs:settings` after changing a setting)', async () => {
    expect(readme).toBe(await readmeWithSettingsTables(readme));
  });

  it('names only strategy parameters that exist', () => {
    const named = [...readme.matchAll(new RegExp(`\\b(${STRATEGY_NAMES.join('|')})\\.([A-Za-z]+)`, 'g'))];
    expect(named.length).toBeGreaterThan(0);
    const defaults: Record<string, object> = strategyParamsSchema.parse({});
    const unknown = named.filter(([, strategy, param]) => !(param! in defaults[strategy!]!)).map(([name]) => name);
    expect(unknown).toEqual([]);
  });

  it('names only risk settings that exist', () => {
    const named = [...readme.matchAll(/--risk ([A-Za-z]+)=/g)].map(([, name]) => name!);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !(name in riskSettingsSchema.shape))).toEqual([]);
  });
});
