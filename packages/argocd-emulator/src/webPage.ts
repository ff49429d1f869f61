/**
 * A plain page where Argo CD's web UI would show an Application, so the
 * demo's "open in Argo CD" links land somewhere useful instead of a 404.
 * It is not a copy of Argo CD's UI: just the status Shipdeck reads.
 */
type Json = any;

const escape = (text: unknown) =>
  String(text ?? '').replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[
        c
      ]!),
  );

function row(label: string, value: unknown) {
  return `<tr><th scope="row">${escape(label)}</th><td>${escape(
    value ?? '—',
  )}</td></tr>`;
}

export function applicationPage(app: Json): string {
  const status = app.status ?? {};
  const history: Json[] = [...(status.history ?? [])].reverse();
  const operation = status.operationState;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escape(app.metadata?.name)} – Argo CD emulator</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem; color: #1a1a1a; background: #fff; }
  @media (prefers-color-scheme: dark) { body { color: #eee; background: #1e1e1e; } }
  table { border-collapse: collapse; margin-bottom: 1.5rem; }
  th, td { text-align: left; padding: .25rem 1rem .25rem 0; vertical-align: top; }
  code, td { font-family: ui-monospace, monospace; }
  .note { opacity: .75; }
</style></head><body>
<h1>${escape(app.metadata?.name)}</h1>
<p class="note">Argo CD emulator: where a real Argo CD shows this Application in its web UI.</p>
<table>
${row('Namespace', app.metadata?.namespace)}
${row('Project', app.spec?.project)}
${row(
  'Source',
  [
    app.spec?.source?.repoURL,
    app.spec?.source?.path,
    app.spec?.source?.targetRevision,
  ]
    .filter(Boolean)
    .join(' '),
)}
${row(
  'Sync',
  `${status.sync?.status ?? 'Unknown'} at ${status.sync?.revision ?? '—'}`,
)}
${row(
  'Health',
  [status.health?.status, status.health?.message].filter(Boolean).join(' – '),
)}
${row('Images', (status.summary?.images ?? []).join(', '))}
${row(
  'Operation',
  operation ? `${operation.phase}: ${operation.message ?? ''}` : undefined,
)}
${row('Reconciled', status.reconciledAt)}
</table>
<h2>History</h2>
<table>
<tr><th scope="col">ID</th><th scope="col">Revision</th><th scope="col">Deployed at</th></tr>
${history
  .map(
    h =>
      `<tr><td>${escape(h.id)}</td><td>${escape(h.revision)}</td><td>${escape(
        h.deployedAt,
      )}</td></tr>`,
  )
  .join('\n')}
</table>
</body></html>
`;
}
