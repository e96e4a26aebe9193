// A bad setting ends with one line naming it.
import { freePort } from '../../../infra/ports.ts';
import { connectDatabase, connectTemporal } from '../../../infra/startup.ts';
import { StartupError } from '../../../infra/startup-error.ts';
import { connectWorkerTemporal } from '../../../infra/worker-connection.ts';

describe('start-up errors', () => {
  it('an unreachable DATABASE_URL names the setting and hides the password', async () => {
    const port = await freePort();
    const attempt = connectDatabase(`postgres://scalper:secret@127.0.0.1:${port}/scalper`);
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(
      `cannot use PostgreSQL at DATABASE_URL=postgres://scalper:***@127.0.0.1:${port}/scalper: connect ECONNREFUSED`,
    );
  });

  it('a DATABASE_URL with a wrong password says so', async () => {
    const url = new URL(process.env.DATABASE_URL!);
    url.password = 'wrong';
    await expect(connectDatabase(url.toString())).rejects.toThrow(
      /DATABASE_URL=.*:\*\*\*@.*password authentication failed/,
    );
  });

  it.each([
    ['client', connectTemporal],
    ['worker', connectWorkerTemporal],
  ])('an unreachable TEMPORAL_ADDRESS names the setting (%s connection)', async (_, connect) => {
    const address = `127.0.0.1:${await freePort()}`;
    const attempt = connect(address, 'default');
    await expect(attempt).rejects.toBeInstanceOf(StartupError);
    await expect(attempt).rejects.toThrow(`cannot use Temporal at TEMPORAL_ADDRESS=${address}`);
  });

  it.each([
    ['client', connectTemporal],
    ['worker', connectWorkerTemporal],
  ])('a namespace the server does not have is named (%s connection)', async (_, connect) => {
    await expect(connect(process.env.TEMPORAL_ADDRESS!, 'no-such-namespace')).rejects.toThrow(
      /namespace no-such-namespace/,
    );
  });
});
