// `npm run stop-leftovers`: stops the PostgreSQL and Temporal dev server a killed `npm start` left
// running on this DATA_DIR (by their pid files), and nothing else.
import { loadConfig } from '../infra/config.ts';
import { stopLeftovers } from '../infra/leftovers.ts';
import { exitOnStartupError } from '../infra/startup-error.ts';

try {
  const { dataDir } = loadConfig();
  const stopped = await stopLeftovers(dataDir);
  console.log(stopped.length > 0 ? `stopped ${stopped.join(' and ')}` : `nothing of ${dataDir} was running`);
} catch (error) {
  exitOnStartupError(error);
}
