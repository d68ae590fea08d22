// The console's one page, rendered on the server from the snapshot: every
// value escaped, no inline script or style (the Content-Security-Policy allows
// only the console's own /console.js and /console.css), and no secret: the
// operator credential is typed by the operator and kept by the page's script
// in memory only.
import type { ConsoleSnapshot } from './snapshot.js';

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const DAY_MS = 86_400_000;

function outcome(label: string, o: ConsoleSnapshot['lastBackup'], id: string): string {
  if (!o) return `<li id="${id}"><strong>${label}</strong>: never (moat has no record)</li>`;
  return `<li id="${id}" class="${o.result}"><strong>${label}</strong>: <time datetime="${escapeHtml(o.at)}">${escapeHtml(o.at)}</time>, ${escapeHtml(o.result)} — ${escapeHtml(o.summary)}</li>`;
}

function certificate(s: ConsoleSnapshot, now: Date): string {
  if (!s.certificate) return '<p id="certificate">Certificate: not known yet (moat records it when it obtains it).</p>';
  const days = Math.floor((Date.parse(s.certificate.notAfter) - now.getTime()) / DAY_MS);
  const state = days < 0 ? 'expired' : days < 14 ? 'soon' : 'ok';
  return `<p id="certificate" class="${state}">Certificate for <code>${escapeHtml(s.certificate.name)}</code> expires <time datetime="${escapeHtml(s.certificate.notAfter)}">${escapeHtml(s.certificate.notAfter)}</time> (${days < 0 ? `${-days} days ago` : `in ${days} days`}).</p>`;
}

function apps(s: ConsoleSnapshot): string {
  const rows = s.apps.map(
    (a) =>
      `<tr data-app="${escapeHtml(a.name)}"><td>${escapeHtml(a.title)}</td><td>${a.url ? `<a href="${escapeHtml(a.url)}" rel="noreferrer">${escapeHtml(a.url)}</a>` : '<span class="muted">private network only</span>'}</td><td><span class="health ${a.health}" data-health="${a.health}">${a.health}</span></td></tr>`,
  );
  return `<table id="apps"><thead><tr><th>app</th><th>where</th><th>health</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function matrix(s: ConsoleSnapshot): string {
  const open = s.matrix.filter((r) => r.verdict === 'open' && (r.zone === 'internet' || r.zone === 'admin' || r.zone === 'tailnet'));
  const rows = open.map(
    (r) =>
      `<tr><td>${escapeHtml(r.zone)}</td><td>${escapeHtml(r.service ?? r.address)}</td><td>${escapeHtml(`${r.port}${r.portEnd !== undefined ? `-${r.portEnd}` : ''}/${r.protocol}`)}</td><td>${escapeHtml(r.decidedBy)}</td></tr>`,
  );
  return `<table id="matrix"><thead><tr><th>from</th><th>reaches</th><th>port</th><th>decided by</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderPage(read: { ok: true; snapshot: ConsoleSnapshot } | { ok: false; problem: string }, now: Date = new Date()): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>moat console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/console.css"><script src="/console.js" defer></script></head>`;
  if (!read.ok) return `${head}<body><main><h1>moat console</h1><p id="problem" class="failed">${escapeHtml(read.problem)}</p></main></body></html>\n`;
  const s = read.snapshot;
  return `${head}<body><main>
<h1>moat console: ${escapeHtml(s.project)}</h1>
<p class="muted">Status written by moat at <time datetime="${escapeHtml(s.generatedAt)}">${escapeHtml(s.generatedAt)}</time>; health is polled live.</p>
<section><h2>Apps</h2>${apps(s)}</section>
<section><h2>What each zone reaches</h2><img id="topology" src="/topology.svg" alt="the exposure picture of moat check"><details><summary>The matrix from outside the host</summary>${matrix(s)}</details></section>
<section><h2>Certificate and last runs</h2>${certificate(s, now)}<ul>${outcome('Last backup', s.lastBackup, 'last-backup')}${outcome('Last probe', s.lastProbe, 'last-probe')}${outcome('Last audit', s.lastAudit, 'last-audit')}</ul></section>
<section id="actions"><h2>Actions</h2>
<p><label>Operator credential <input id="operator" type="password" autocomplete="off" spellcheck="false"></label> <span class="muted">(moat secrets --show CONSOLE_OPERATOR_TOKEN; kept in this page only)</span></p>
<div class="action"><h3>Link Signal</h3><button id="signal-link" type="button">Show the linking QR code</button><p id="signal-result" role="status"></p><img id="signal-qr" alt="" hidden><code id="signal-uri"></code></div>
<div class="action"><h3>Pull a model</h3><input id="model" value="" placeholder="llama3.2:3b" spellcheck="false"> <button id="model-pull" type="button">Pull</button><progress id="pull-progress" max="1" value="0"></progress><p id="pull-status" role="status"></p></div>
<div class="action"><h3>Drive</h3><button id="drive-refresh" type="button">Refresh</button><p id="drive-status" role="status"></p></div>
</section></main></body></html>
`;
}
