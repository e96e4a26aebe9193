import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, redactUrl } from '../../../infra/config.ts';

describe('loadConfig', () => {
  it('gives every setting a default', () => {
    const config = loadConfig({ HOME: '/home/trader' });
    expect(config).toMatchObject({
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'scalper',
      TEMPORAL_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      API_PORT: 3000,
      DEMO_BOT: true,
      cacheDir: '/home/trader/.cache/scalper-engine',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TEMPORAL_ADDRESS: 'localhost' }, 'TEMPORAL_ADDRESS'],
    [{ TEMPORAL_ADDRESS: 'http://localhost:7233' }, 'TEMPORAL_ADDRESS'],
    [{ API_PORT: '70000' }, 'API_PORT'],
    [{ DEMO_BOT: 'maybe' }, 'DEMO_BOT'],
    [{ WORKFLOW_BUNDLE_PATH: '/nonexistent/workflow-bundle.js' }, 'WORKFLOW_BUNDLE_PATH'],
  ])('names the variable that is wrong: %p', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${variable}=`));
  });

  it('takes a workflow bundle that exists, as an absolute path', () => {
    const file = fileURLToPath(import.meta.url);
    expect(loadConfig({ WORKFLOW_BUNDLE_PATH: file }).WORKFLOW_BUNDLE_PATH).toBe(file);
    expect(loadConfig({}).WORKFLOW_BUNDLE_PATH).toBeUndefined();
    expect(() => loadConfig({ WORKFLOW_BUNDLE_PATH: '/tmp' })).toThrow(
      /^WORKFLOW_BUNDLE_PATH="\/tmp" is invalid: no such file/,
    );
  });

  it("links to the dev server's Web UI unless TEMPORAL_UI_URL says where the Web UI is", () => {
    expect(loadConfig({}).temporalUiUrl).toBe('http://127.0.0.1:8233');
    expect(loadConfig({ TEMPORAL_UI_PORT: '9233' }).temporalUiUrl).toBe('http://127.0.0.1:9233');
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://temporal.example.com/ui/' }).temporalUiUrl).toBe(
      'https://temporal.example.com/ui',
    );
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'temporal.example.com' })).toThrow(/^TEMPORAL_UI_URL=/);
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'ftp://temporal.example.com' })).toThrow(/^TEMPORAL_UI_URL=/);
  });

  it('masks passwords in URLs it prints', () => {
    expect(redactUrl('postgres://scalper:secret@db:5432/scalper')).toBe('postgres://scalper:***@db:5432/scalper');
    expect(redactUrl('postgres://db:5432/scalper')).toBe('postgres://db:5432/scalper');
  });
});
