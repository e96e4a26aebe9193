// Every way of starting a worker runs it with the same memory settings (infra/worker-process.ts):
// `npm run worker`, the image and docker-compose here; `npm start` in launcher-restarts.test.ts.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../../infra/worker-process.ts';

const mallocSettings = Object.entries(WORKER_MALLOC_ENV).map(([name, value]) => `${name}=${value}`);

describe('the worker process', () => {
  it('starts from the image with the node flags and malloc settings', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const command = ['node', ...WORKER_NODE_FLAGS, 'worker/main.ts'].map((word) => JSON.stringify(word));
    expect(dockerfile).toContain(`CMD [${command.join(', ')}]`);
    const envLine = dockerfile.split('\n').find((line) => line.startsWith('ENV MALLOC_'));
    expect(envLine?.slice('ENV '.length).split(' ').sort()).toEqual([...mallocSettings].sort());
  });

  it('starts from docker-compose with the node flags', () => {
    const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
      services: { worker: { command: string[] } };
    };
    expect(compose.services.worker.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'worker/main.ts']);
  });

  it('starts from `npm run worker` with both', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['worker']).toBe(
      `${mallocSettings.join(' ')} scripts/with-node24 node ${WORKER_NODE_FLAGS.join(' ')} worker/main.ts`,
    );
  });
});
