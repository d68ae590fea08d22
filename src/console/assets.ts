// The console page's script and style, served as /console.js and /console.css
// (the Content-Security-Policy allows scripts and styles from the console's own
// origin only, never inline). Kept as text here, not built: the console runs
// this file as it is in its container, which has no build step, and the
// script is small enough to read whole.
export const CONSOLE_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const say = (id, text, failed) => { const el = $(id); el.textContent = text; el.className = failed ? 'failed' : ''; };
async function act(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + $('operator').value.trim() },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || ('refused (' + response.status + ')'));
  return answer;
}
async function linkSignal() {
  say('signal-result', 'asking the Signal API for a link…');
  try {
    const { uri, qr } = await act('/api/signal/link', { deviceName: 'moat' });
    const img = $('signal-qr');
    img.src = qr;
    img.alt = 'QR code of ' + uri;
    img.hidden = false;
    $('signal-uri').textContent = uri;
    say('signal-result', 'Scan it in Signal: Settings, Linked devices, Link new device.');
  } catch (error) {
    say('signal-result', error.message, true);
  }
}
async function pullModel() {
  const model = $('model').value.trim();
  if (!model) return say('pull-status', 'name a model first', true);
  try {
    await act('/api/models/pull', { model });
  } catch (error) {
    return say('pull-status', error.message, true);
  }
  const tick = async () => {
    const p = await (await fetch('/api/models/pull')).json();
    const bar = $('pull-progress');
    if (p.total > 0) { bar.max = p.total; bar.value = p.completed; }
    say('pull-status', p.model + ': ' + p.status + (p.total > 0 ? ' ' + Math.floor((100 * p.completed) / p.total) + '%' : ''), Boolean(p.error));
    if (!p.done) setTimeout(tick, 250);
  };
  tick();
}
async function refreshDrive() {
  try {
    const d = await (await fetch('/api/drive')).json();
    if (d.error) return say('drive-status', d.error, true);
    say('drive-status', d.transfers + ' files, ' + d.bytes + ' bytes synced, ' + d.errors + ' errors' + (d.lastError ? ' (last: ' + d.lastError + ')' : ''));
  } catch (error) {
    say('drive-status', error.message, true);
  }
}
async function pollHealth() {
  try {
    const health = await (await fetch('/api/health')).json();
    for (const [app, state] of Object.entries(health)) {
      const badge = document.querySelector('tr[data-app="' + CSS.escape(app) + '"] .health');
      if (badge) { badge.textContent = state; badge.dataset.health = state; badge.className = 'health ' + state; }
    }
  } catch {}
  setTimeout(pollHealth, 5000);
}
document.addEventListener('DOMContentLoaded', () => {
  if (!$('actions')) return;
  $('signal-link').addEventListener('click', linkSignal);
  $('model-pull').addEventListener('click', pullModel);
  $('drive-refresh').addEventListener('click', refreshDrive);
  pollHealth();
});
`;

export const CONSOLE_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#0f172a;background:#f8fafc}
main{max-width:1100px;margin:0 auto;padding:1.2rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem;margin:.2rem 0}
table{border-collapse:collapse;width:100%;background:#fff}td,th{border:1px solid #cbd5e1;padding:.3rem .5rem;text-align:left}
.muted{color:#64748b}.failed,.expired,.unhealthy,.stopped{color:#b91c1c}.soon,.starting,.findings{color:#b45309}.healthy,.ok{color:#047857}
#topology{max-width:100%;border:1px solid #cbd5e1;background:#fff}
.action{background:#fff;border:1px solid #cbd5e1;border-radius:6px;padding:.6rem;margin:.6rem 0}
#signal-qr{display:block;width:260px;height:260px;image-rendering:pixelated}code{word-break:break-all}
`;
