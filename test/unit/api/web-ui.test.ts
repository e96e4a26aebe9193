import { workflowRunUrl, withWebUiUrl } from '../../../api/web-ui.ts';

const webUi = { baseUrl: 'http://127.0.0.1:8233', namespace: 'default' };

describe('Web UI links', () => {
  it("point at a workflow run's history, with the ids escaped", () => {
    expect(workflowRunUrl(webUi, 'scalper-cycle-1-2026-11-24T10:00:45Z', 'a1b2')).toBe(
      'http://127.0.0.1:8233/namespaces/default/workflows/scalper-cycle-1-2026-11-24T10%3A00%3A45Z/a1b2/history',
    );
    expect(workflowRunUrl({ ...webUi, namespace: 'prod ns' }, 'a/b', 'r')).toBe(
      'http://127.0.0.1:8233/namespaces/prod%20ns/workflows/a%2Fb/r/history',
    );
  });

  it('are null without a Web UI or a run', () => {
    expect(workflowRunUrl(undefined, 'w', 'r')).toBeNull();
    expect(workflowRunUrl(webUi, null, 'r')).toBeNull();
    expect(withWebUiUrl(webUi, { id: 1, workflowId: 'w', runId: null })).toEqual({
      id: 1,
      workflowId: 'w',
      runId: null,
      webUiUrl: null,
    });
  });
});
