// The console's one script: confirmations before what destroys, copy buttons, and the request
// log's live view. Served from the console itself (the CSP allows no inline script).
'use strict';

const announce = (text) => {
  const region = document.getElementById('announce');
  if (region) region.textContent = text;
};

document.addEventListener('submit', (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener('click', async (event) => {
  const button = event.target.closest && event.target.closest('button[data-copy]');
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    announce('Copied.');
  } catch {
    announce('The browser did not allow copying.');
  }
});

// The request log: the same filter, asked again every two seconds while "Follow live" is on.
const log = document.getElementById('request-log');
if (log) {
  const live = document.getElementById('live');
  const cell = (text) => {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '—' : String(text);
    return td;
  };
  const refresh = async () => {
    if (!live.checked || document.hidden) return;
    try {
      const response = await fetch(`${log.dataset.feed}${window.location.search}`, { headers: { accept: 'application/json' } });
      if (!response.ok) return;
      const rows = await response.json();
      const body = document.createElement('tbody');
      for (const r of rows) {
        const tr = document.createElement('tr');
        const path = document.createElement('td');
        const code = document.createElement('code');
        code.textContent = r.path;
        path.append(code);
        tr.append(cell(r.at), cell(r.method), path, cell(r.status), cell(r.client));
        body.append(tr);
      }
      log.tBodies[0].replaceWith(body);
    } catch {
      // The emulator is restarting: try again at the next tick.
    }
  };
  setInterval(refresh, 2000);
}
