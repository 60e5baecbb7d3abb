/**
 * The explorer's stylesheet and script, served by Tributary itself (`/assets/explorer.css`,
 * `/assets/explorer.js`): no CDN, no build step, so it works offline and from a fresh clone.
 * Kept as strings so a compiled build carries them without copying files.
 */

/** The stylesheet: readable from phone width to wide screens, visible focus, AA contrast. */
export const EXPLORER_CSS = `
:root { --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de; --accent: #0550ae;
  --ok: #116329; --warn: #7d4e00; --bad: #a40e26; --win: #dafbe1; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); line-height: 1.45; font-size: 15px; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #fb8f44; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip:focus { left: .5rem; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .6rem 1rem; background: #24292f; color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
header.top .brand { font-weight: 700; margin-right: .5rem; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top form { margin-left: auto; }
header.top button { background: transparent; color: #fff; border: 1px solid #8c959f; border-radius: 4px; padding: .15rem .6rem; cursor: pointer; }
main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: .25rem 0 .5rem; word-break: break-all; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p.lead { color: var(--muted); margin-top: 0; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
table.rows td { white-space: nowrap; max-width: 24rem; overflow: hidden; text-overflow: ellipsis; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.null { color: var(--muted); font-style: italic; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.badge.ok { color: var(--ok); } .badge.warn { color: var(--warn); } .badge.bad { color: var(--bad); } .badge.info { color: var(--accent); }
.notice { padding: .6rem .8rem; border-radius: 6px; border: 1px solid var(--line); background: var(--panel); margin: .75rem 0; }
.notice.bad { border-color: var(--bad); color: var(--bad); background: #fff5f5; }
.notice.warn { border-color: var(--warn); background: #fff8c5; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: .5rem 0; }
form.filters label, form.login label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .15rem; }
input, select, button { font: inherit; padding: .3rem .45rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: var(--fg); }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
ul.chips { display: flex; flex-wrap: wrap; gap: .4rem; list-style: none; padding: 0; margin: .25rem 0; }
ul.chips li { background: var(--panel); border: 1px solid var(--line); border-radius: 999px; padding: .1rem .6rem; }
details.columns { margin: .5rem 0; }
details.columns fieldset { display: flex; flex-wrap: wrap; gap: .25rem 1rem; border: 1px solid var(--line); border-radius: 6px; }
.pager { display: flex; gap: 1rem; margin: .75rem 0; align-items: center; flex-wrap: wrap; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
details.why summary { cursor: pointer; color: var(--accent); }
details.why .rule { margin: .4rem 0; color: var(--muted); }
tr.winner td { background: var(--win); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .6rem; overflow-x: auto; font-size: .85rem; max-height: 24rem; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: .5rem; margin-bottom: 1rem; }
.chart svg { width: 100%; height: auto; }
.legend { display: flex; gap: 1rem; font-size: .85rem; color: var(--muted); }
.legend span::before { content: ""; display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; border-radius: 2px; background: var(--c); }
.legend .series-fetched { --c: #0550ae; } .legend .series-merged { --c: #bf3989; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; }
.card h2 { margin-top: 0; }
form.login { max-width: 28rem; display: flex; flex-direction: column; gap: .75rem; }
code { font-size: .9em; }
@media (max-width: 640px) { main { padding: .6rem; } th, td { padding: .3rem .4rem; } h1 { font-size: 1.25rem; } }
`;

/**
 * Progressive enhancement only: every page works without it. Shows times in the reader's own
 * time zone and hints the value format of the chosen filter operator.
 */
export const EXPLORER_JS = `
for (const t of document.querySelectorAll('time[datetime]')) {
  const d = new Date(t.getAttribute('datetime'));
  if (!Number.isNaN(d.getTime())) { t.title = t.getAttribute('datetime'); t.textContent = d.toLocaleString(); }
}
const op = document.getElementById('add_op');
const value = document.getElementById('add_value');
const hints = { in: '(a,b,c)', like: 'text with * as wildcard', ilike: 'text with * as wildcard', is: 'null, not_null, true or false', cs: 'a value the list contains' };
if (op && value) {
  const hint = () => { value.placeholder = hints[op.value] || 'value'; };
  op.addEventListener('change', hint); hint();
}
`;
