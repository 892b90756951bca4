// results → one self-contained HTML page: each phase's port matrices with the
// three answers per cell (declared, predicted, observed), failing cells
// highlighted, each cell's explanation in its tooltip and, on click, in the
// panel below. No external resource of any kind (styles and script inline), so
// it opens from a CI artifact with no network.
import type { ResultCell, Results } from "./results.ts";
import { phaseTables, labelOf } from "./results-tables.ts";
import { explanationLines, isFailing } from "./results-words.ts";

const MARK: Record<string, string> = { allow: ".", deny: "X", unknown: "?", oracle: "?", invalid: "?" };

export function renderMatrixHtml(runs: readonly Results[]): string {
  const body: string[] = [];
  for (const r of runs) {
    const label = labelOf(r);
    body.push(`<section class="scenario"><h1>${esc(r.scenario.name)} <span class="${r.ok ? "ok" : "bad"}">${r.ok ? "pass" : esc(r.outcome)}</span></h1>`);
    body.push(`<p>${esc(r.scenario.description)}<br><small>${esc(r.mode)}${r.cluster ? ` on ${esc(r.cluster.description)}` : ""} · ${r.summary.cells} cells, ${r.summary.passed} passed, ${r.summary.failed} failed</small></p>`);
    if (r.warnings.length > 0) body.push(`<ul class="warnings">${r.warnings.map((w) => `<li>${esc(`${w.file}:${w.line} ${w.field}: ${w.message}`)}</li>`).join("")}</ul>`);
    for (const phase of r.phases) {
      body.push(`<h2>Phase ${esc(phase.name)}</h2>`);
      const { tables, others } = phaseTables(r, phase.cells);
      body.push(`<div class="tables">`);
      for (const t of tables) {
        body.push(`<table class="matrix" data-port="${esc(t.title)}"><caption>${esc(t.title)}</caption>`);
        body.push(`<tr><th>from \\ to</th>${t.columns.map((c) => `<th>${esc(label(c))}</th>`).join("")}</tr>`);
        for (const row of t.rows) {
          const tds = t.columns.map((col) => {
            const c = t.cell(row, col);
            return c ? cellTd(r, phase.name, c) : `<td class="none">-</td>`;
          });
          body.push(`<tr><th>${esc(label(row))}</th>${tds.join("")}</tr>`);
        }
        body.push(`</table>`);
      }
      body.push(`</div>`);
      if (others.length > 0) {
        body.push(`<table class="others"><caption>Other cells</caption><tr><th>cell</th><th>declared · predicted · observed</th></tr>`);
        for (const c of others) body.push(`<tr><th>${esc(otherLabel(c))}</th>${cellTd(r, phase.name, c)}</tr>`);
        body.push(`</table>`);
      }
    }
    body.push(`</section>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>netproof: ${esc(runs.map((r) => r.scenario.name).join(", "))}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1 span{font-size:.6em;padding:.1em .5em;border-radius:.3em;vertical-align:middle}
.ok{background:#d4f4d4}.bad{background:#f8d0d0}
table{border-collapse:collapse;margin:.8em 0}.tables{display:flex;flex-wrap:wrap;gap:0 2em;align-items:flex-start}caption{text-align:left;font-weight:bold;padding:.2em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;font-family:ui-monospace,monospace}table.others th{text-align:left}
td.cell{cursor:pointer;text-align:center;white-space:nowrap}
td.pass{background:#f3fbf3}td.fail{background:#f6b8b8;font-weight:bold;outline:2px solid #c00}
td.warn{background:#fbefc5}td.none{color:#aaa;text-align:center}td.selected{box-shadow:inset 0 0 0 2px #036}
#explanation{position:sticky;bottom:0;background:#fff;border-top:2px solid #036;padding:.5em;white-space:pre-wrap;font-family:ui-monospace,monospace;min-height:3em}
.legend{color:#555}
</style></head><body>
<p class="legend">Each cell shows declared · predicted · observed (<code>.</code> allowed, <code>X</code> blocked, <code>?</code> left to the oracle or unknown, <code>—</code> not probed). Failing cells are red. Hover a cell for its explanation, click it to pin it below.</p>
${body.join("\n")}
<pre id="explanation">Click a cell to see why.</pre>
<script>
document.addEventListener("click", function (e) {
  var td = e.target.closest ? e.target.closest("td.cell") : null;
  if (!td) return;
  var old = document.querySelector("td.selected");
  if (old) old.classList.remove("selected");
  td.classList.add("selected");
  document.getElementById("explanation").textContent = td.getAttribute("data-explanation");
});
</script>
</body></html>
`;
}

function cellTd(r: Results, phase: string, c: ResultCell): string {
  const cls = isFailing(c) ? "fail" : c.verdict === "pass" || c.verdict === "late" ? "pass" : "warn";
  const observed = c.observed ? MARK[c.observed.reach] : "—";
  const text = `${MARK[c.declared]} ${MARK[c.predicted]} ${observed}`;
  const explanation = [`phase ${phase}`, ...explanationLines(c)].join("\n");
  return `<td class="cell ${cls}" data-key="${esc(c.key)}" data-verdict="${esc(c.verdict)}" title="${esc(explanation)}" data-explanation="${esc(explanation)}">${esc(text)}</td>`;
}

/** The cell key, with an external's name beside its address. */
function otherLabel(c: ResultCell): string {
  return c.to.kind === "external" && c.to.host ? `${c.key} (${c.to.host})` : c.key;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
