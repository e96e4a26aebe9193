// Links into the Temporal Web UI: an operator goes from an order or a cycle to the workflow run's
// history, with every activity's input and output.
import type { ApiDeps } from './deps.ts';

export type WebUi = ApiDeps['webUi'];

/** The run's history page; null without a configured Web UI or without a run. */
export function workflowRunUrl(webUi: WebUi, workflowId: string | null, runId: string | null): string | null {
  if (!webUi || workflowId === null || runId === null) return null;
  const [namespace, workflow, run] = [webUi.namespace, workflowId, runId].map(encodeURIComponent);
  return `${webUi.baseUrl}/namespaces/${namespace}/workflows/${workflow}/${run}/history`;
}

/** `row` with the Web UI link of the run that wrote it. */
export function withWebUiUrl<T extends { workflowId: string | null; runId: string | null }>(
  webUi: WebUi,
  row: T,
): T & { webUiUrl: string | null } {
  return { ...row, webUiUrl: workflowRunUrl(webUi, row.workflowId, row.runId) };
}
