"""Assessment -> a standalone, printable HTML report for clinicians (``legdx assess --format html``).

Standard library only (no template engine), so it works with the core install. The document is
self-contained: inline CSS with a print stylesheet, no scripts, no external requests. Order
matters for safety: the emergency banner comes first when it applies, the disclaimer last.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from legdx.case import Assessment
from legdx.report.wording import FOR_CLINICIAN, cited_sources, percent

__all__ = ["render_html"]

SHOWN_CONTRIBUTIONS = 8

CSS = """
:root{--ink:#111;--muted:#555;--line:#bbb;--accent:#0b4f8a;--bad:#8a0b0b}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
  margin:0 auto;max-width:62rem;padding:1rem}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .4rem;border-bottom:2px solid var(--ink)}
h3{font-size:1rem;margin:1rem 0 .2rem}
.meta{color:var(--muted);font-size:.9rem}
nav.actions a{margin-right:1rem}
.banner{border:4px solid var(--bad);padding:.8rem 1rem;margin:1rem 0;font-weight:700;font-size:1.1rem}
.banner::before{content:"\\26A0  "}
.level{font-weight:700;font-size:1.1rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
meter{width:6rem}
.pos{font-weight:600}.neg{font-style:italic}
ul{padding-left:1.3rem}
.disclaimer{border-top:2px solid var(--ink);margin-top:2rem;padding-top:.6rem;font-weight:600}
code{font-size:.85em}
@media print{
  nav.actions{display:none}
  body{max-width:none;font-size:11pt;padding:0}
  a{color:inherit;text-decoration:none}
  h2{break-after:avoid}
  tr,li{break-inside:avoid}
  th{background:none}
  .banner{border-width:3pt}
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def render_html(
    assessment: Assessment,
    *,
    record_id: str | None = None,
    created_at: datetime | None = None,
    actions: list[tuple[str, str]] | None = None,
) -> str:
    """Render one assessment as a standalone HTML document.

    Args:
        assessment: the assessment to show (it carries its sources and finding labels).
        record_id: the stored id, shown in the header when given.
        created_at: when it was stored.
        actions: ``(label, href)`` links shown above the report and hidden in print.
    """
    a = assessment
    citations = {src.id: src.citation for src in a.sources}
    labels = {x.finding: x.label for x in a.answered}

    def cite(source: str) -> str:
        if source in citations:
            return f"<code>{_e(source)}</code> {_e(citations[source])}"
        return f"<code>{_e(source)}</code>"

    out: list[str] = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>legdx report</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    if actions:
        links = " ".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in actions)
        out.append(f'<nav class="actions" aria-label="Report actions">{links}</nav>')
    if a.emergency_message:
        out.append(f'<div class="banner" role="alert">{_e(a.emergency_message)}</div>')
    out.append("<header><h1>legdx assessment report</h1>")
    meta = [f"knowledge base {_e(a.kb_version)}"]
    if record_id:
        meta.append(f"id <code>{_e(record_id)}</code>")
    if created_at:
        meta.append(f"stored {_e(created_at.strftime('%Y-%m-%d %H:%M UTC'))}")
    out.append(f'<p class="meta">{" &middot; ".join(meta)}</p></header><main>')

    # case
    c = a.case
    out.append('<section aria-labelledby="h-case"><h2 id="h-case">Case</h2><p>')
    out.append(f"Age: {_e(c.age) if c.age is not None else 'not given'}; sex: {_e(c.sex or 'not given')}.</p>")
    if c.findings:
        out.append("<ul>")
        for fid, v in c.findings.items():
            label = labels.get(fid, fid)
            shown = ("present" if v else "absent") if isinstance(v, bool) else f"{v:g}"
            out.append(f"<li>{_e(label)} <code>{_e(fid)}</code>: <strong>{_e(shown)}</strong></li>")
        out.append("</ul>")
    if c.text:
        out.append(f"<p>Free text: <q>{_e(c.text)}</q></p>")
    if a.understood:
        out.append("<h3>Read from the free text</h3><ul>")
        for u in a.understood:
            val = ("present" if u.value else "absent") if isinstance(u.value, bool) else f"{u.value:g}"
            used = "" if u.used else " (not used)"
            out.append(f"<li><q>{_e(u.text)}</q> &rarr; <code>{_e(u.finding)}</code> = {_e(val)}{used}</li>")
        out.append("</ul>")
    out.append("</section>")

    # triage
    out.append('<section aria-labelledby="h-triage"><h2 id="h-triage">Triage</h2>')
    out.append(f'<p class="level">{_e(FOR_CLINICIAN[a.triage.level])}</p><ul>')
    out += [f"<li>{_e(r)}</li>" for r in a.triage.reasons]
    out.append("</ul>")
    if a.red_flags:
        out.append("<h3>Red flags</h3><ul>" + "".join(f"<li>{_e(r)}</li>" for r in a.red_flags) + "</ul>")
    out.append("</section>")

    # differential
    out.append('<section aria-labelledby="h-ddx"><h2 id="h-ddx">Differential</h2>')
    out.append(
        "<p>Probability: chance each condition is present (conditions can co-exist). Share: its part of the "
        "differential (shares sum to 100%). Prior: base rate among people presenting with leg pain.</p>"
    )
    out.append(
        '<table><caption class="meta">Conditions, most likely first</caption><thead><tr>'
        '<th scope="col">#</th><th scope="col">Condition</th><th scope="col">ICD-10-CM</th>'
        '<th scope="col">Probability</th><th scope="col">Share</th><th scope="col">Prior</th></tr></thead><tbody>'
    )
    for i, cond in enumerate(a.conditions, 1):
        out.append(
            f"<tr><td class=num>{i}</td><td>{_e(cond.name)}</td><td>{_e(', '.join(cond.icd10))}</td>"
            f'<td class=num><meter min="0" max="1" value="{cond.probability:.4f}" '
            f'aria-label="{_e(cond.name)} probability">{percent(cond.probability)}</meter> '
            f"{percent(cond.probability)}</td>"
            f"<td class=num>{percent(cond.share)}</td><td class=num>{percent(cond.prior)}</td></tr>"
        )
    out.append("</tbody></table>")
    out.append("<h3>Why: per-finding log-odds contributions (leading conditions)</h3>")
    for cond in a.conditions[:5]:
        if not cond.contributions:
            continue
        out.append(
            f"<table><caption>{_e(cond.name)} &mdash; {percent(cond.probability)}</caption><thead><tr>"
            '<th scope="col">Finding</th><th scope="col">Log-odds</th><th scope="col">Direction</th>'
            '<th scope="col">Source</th></tr></thead><tbody>'
        )
        for x in cond.contributions[:SHOWN_CONTRIBUTIONS]:
            cls, word = ("pos", "for") if x.log_odds > 0 else ("neg", "against")
            out.append(
                f"<tr><td>{_e(x.label)} <code>{_e(x.finding)}</code></td><td class=num>{x.log_odds:+.2f}</td>"
                f'<td class="{cls}">{word}</td><td>{cite(x.source) if x.source else ""}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("</section>")

    if a.contributing_factors:
        out.append('<section aria-labelledby="h-cf"><h2 id="h-cf">Contributing factors</h2><ul>')
        out += [f"<li>{_e(x)}</li>" for x in a.contributing_factors]
        out.append("</ul></section>")

    if a.next_tests:
        out.append(
            '<section aria-labelledby="h-tests"><h2 id="h-tests">Next tests</h2><table><thead><tr>'
            '<th scope="col">Test</th><th scope="col">Why</th><th scope="col">Expected information (bits)</th>'
            "</tr></thead><tbody>"
        )
        for t in a.next_tests:
            out.append(f"<tr><td>{_e(t.name)}</td><td>{_e(t.why)}</td><td class=num>{t.value:.3f}</td></tr>")
        out.append("</tbody></table></section>")

    out.append('<section aria-labelledby="h-advice"><h2 id="h-advice">Advice given</h2><ul>')
    for item in a.advice:
        tags = ", ".join(t.value for t in item.tags)
        out.append(f"<li>{_e(item.text)} <span class=meta>[{_e(tags)}; {cite(item.source)}]</span></li>")
    out.append("</ul>")
    if a.withheld_advice:
        out.append("<h3>Withheld for safety</h3><ul>")
        for w in a.withheld_advice:
            tags = ", ".join(t.value for t in w.tags)
            out.append(f"<li><strong>{_e(tags)}</strong>: {_e(w.why)} <span class=meta>[{cite(w.source)}]</span></li>")
        out.append("</ul>")
    out.append("</section>")

    sources = cited_sources(a)
    if sources:
        out.append('<section aria-labelledby="h-src"><h2 id="h-src">Sources</h2><ul>')
        out += [f"<li>{cite(src.id)}</li>" for src in sources]
        out.append("</ul></section>")
    out.append(f'</main><footer><p class="disclaimer">{_e(a.disclaimer)}</p></footer></body></html>')
    return "\n".join(out) + "\n"
