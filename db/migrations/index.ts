import { Migration20261123232421_Initial } from './Migration20261123232421_Initial.ts';

/** Every migration, in order; new ones come from `npm run db:migration -- <Name>`. */
export const MIGRATIONS = [{ name: 'Migration20261123232421_Initial', class: Migration20261123232421_Initial }];
