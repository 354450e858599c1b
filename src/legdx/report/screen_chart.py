"""The one-page picture of a ``legdx screen`` run: people per triage level and per top condition (PNG).

For the data team reading a population screen: the left panel counts people by triage level in
the level's colour, the right one the most frequent top conditions (clinical names), with the
part not yet diagnosed on the record darker when the input said what is diagnosed (an OMOP CDM
folder). Drawn with matplotlib's Agg backend: no display needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from legdx.kb.schema import TriageLevel

if TYPE_CHECKING:
    from legdx.batch.screen import ScreenSummary
    from legdx.kb.compile import CompiledKB

__all__ = ["LEVEL_COLOURS", "write_summary_chart"]

LEVEL_COLOURS = {"emergency": "#b3261e", "urgent": "#e8710a", "soon": "#f2b807", "routine": "#5f7f9b"}
MOST_CONDITIONS = 12  # bars in the conditions panel; the rest are summed into one "other" bar


def write_summary_chart(summary: ScreenSummary, ckb: CompiledKB, path: Path, *, title: str) -> None:
    """Draw the run's counts into the PNG file ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [level.value for level in reversed(TriageLevel)]  # most urgent on top
    ranked = sorted(summary.top_condition.items(), key=lambda kv: (-kv[1], kv[0]))
    shown, rest = ranked[:MOST_CONDITIONS], sum(n for _, n in ranked[MOST_CONDITIONS:])
    names = [ckb.kb.conditions[c].name if c in ckb.kb.conditions else c for c, _ in shown]
    counts = [n for _, n in shown]
    new = [summary.top_condition_unrecorded.get(c, 0) for c, _ in shown]
    if rest:
        names.append("other causes")
        counts.append(rest)
        new.append(0)

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5.5), gridspec_kw={"width_ratios": [1, 2]})
    try:
        bars = left.barh(levels, [summary.triage.get(v, 0) for v in levels], color=[LEVEL_COLOURS[v] for v in levels])
        left.bar_label(bars, fmt="{:,.0f}", padding=3)
        left.invert_yaxis()
        left.set_title("People by triage level")
        left.set_xlabel("people")
        bars = right.barh(names, counts, color="#9bb3c9", label="top condition")
        right.bar_label(bars, fmt="{:,.0f}", padding=3)
        if any(new):
            right.barh(names, new, color="#1f4e79", label="likely, not yet diagnosed on the record")
            right.legend(loc="lower right", fontsize=8)
        right.invert_yaxis()
        right.set_title("People by top condition")
        right.set_xlabel("people")
        empty = f" ({summary.no_findings:,} with no finding recorded)" if summary.no_findings else ""
        fig.suptitle(f"{title}: {summary.rows:,} people{empty}, {summary.bad_rows:,} rows with an error")
        fig.tight_layout()
        fig.savefig(path, format="png", dpi=100)
    finally:
        plt.close(fig)
