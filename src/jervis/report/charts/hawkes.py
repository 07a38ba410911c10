"""The self-exciting model (``jervis hawkes``) and the response policies (``jervis policies``).

Drawn only when the report is given their JSON (``jervis.report(..., hawkes=, policies=)``,
``jervis report --hawkes FILE --policies FILE``; ``jervis demo`` passes its own): a report
without them has no such section rather than two blank boxes. Every number is read from that
JSON; the report computes none.
"""

from __future__ import annotations

from typing import Any

from jervis.report.base import NEUTRAL, SIDE_COLORS, Chart, NotApplicable, ReportContext, spec

KINDS = {  # the effect's 95% interval above 0, below 0, or neither
    "excitation": ("more events (interval above 0)", "#8c510a"),
    "inhibition": ("fewer events (interval below 0)", "#01665e"),
    "none": ("no clear effect (interval spans 0)", "#8a8a8a"),
}
MAX_HALF_LIFE = 1000.0  # days: the half-life axis ends here
POLICY_COLORS = ["#444444", "#CC79A7", "#009E73", "#56B4E9", "#D55E00"]


def _words(name: str) -> str:
    """'never_respond' -> 'never respond'; 'respond_with_probability:0.5' stays readable."""
    return str(name).replace("_", " ").replace(":", " ")


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _side_of(ctx: ReportContext, label: str) -> str | None:
    return next((s for s, name in ctx.labels.items() if name == label), None)


class HawkesChart(Chart):
    name = "hawkes"
    title = "Self-exciting model: how many events each event brings or prevents"
    caption = (
        "A model in which every event can set off (or hold back) more events on the following "
        "days: the top rows show how many of the other side's events one event brings (right of "
        "0) or prevents (left of 0), with 95% intervals; the middle how many days it takes for "
        "that push to fade by half; the bottom checks the model against the data (the dots "
        "stay on the diagonal when the model describes the day-to-day counts well)."
    )
    section = "evidence"
    order = 6.0

    def keys(self, ctx: ReportContext) -> list[str | None]:
        return [None] if ctx.extras.get("hawkes") is not None else []

    def subtitle(self, ctx: ReportContext, key: str | None) -> str | None:
        fit = ctx.extras["hawkes"]
        family = {"nb": "negative binomial", "poisson": "Poisson"}.get(fit.get("family"), "")
        model = "daily counts" if fit.get("model") == "discrete" else "event times"
        return f"{model}, {family} {fit.get('link', '')} link".replace("  ", " ").strip(", ")

    def build(self, ctx: ReportContext, key: str | None) -> dict[str, Any]:
        fit = ctx.extras["hawkes"]
        effects = [e for e in fit.get("effects") or [] if e.get("estimate") is not None]
        if not effects:
            raise NotApplicable("the Hawkes fit holds no effect estimates")
        rows = []
        for e in effects:
            cross = e.get("from") != e.get("to")
            lo, hi = (e.get("ci95") or [None, None])[:2]
            kind = e.get("kind") if e.get("kind") in KINDS else "none"
            rows.append({
                "pair": f"{e['from']} → {e['to']}" if cross else f"{e['from']} → itself",
                "panel": "on the other side" if cross else "on its own side",
                "estimate": e["estimate"], "lo": lo, "hi": hi, "kind": KINDS[kind][0],
                "p": e.get("p_value"),
            })  # fmt: skip
        color = {"field": "kind", "type": "nominal", "title": None,
                 "scale": {"domain": [k[0] for k in KINDS.values()],
                           "range": [k[1] for k in KINDS.values()]},
                 "legend": {"orient": "top", "columns": 3}}  # fmt: skip
        panels = []
        for panel in ("on the other side", "on its own side"):
            mine = [r for r in rows if r["panel"] == panel]
            if not mine:
                continue
            x = {"type": "quantitative", "title": f"events {panel} per event (95% interval)",
                 "axis": {"format": ",.2~f"}}  # fmt: skip
            y = {"field": "pair", "type": "nominal", "title": None, "sort": None,
                 "axis": {"labelLimit": 260}}  # fmt: skip
            panels.append({
                "title": {"text": f"Each side's effect {panel}", "fontSize": 13,
                          "fontWeight": "normal", "anchor": "start"},
                "data": {"values": mine},
                "width": ctx.width - 280, "height": 30 * len(mine),
                "layer": [
                    {"mark": {"type": "rule", "color": NEUTRAL, "strokeDash": [4, 3]},
                     "encoding": {"x": {"datum": 0, "type": "quantitative"}}},
                    {"mark": {"type": "rule", "strokeWidth": 2},
                     "encoding": {"x": {**x, "field": "lo"}, "x2": {"field": "hi"}, "y": y,
                                  "color": color}},
                    {"mark": {"type": "point", "filled": True, "size": 80},
                     "encoding": {"x": {**x, "field": "estimate"}, "y": y, "color": color,
                                  "tooltip": [{"field": "pair", "title": "effect"},
                                              {"field": "estimate", "format": ",.3f"},
                                              {"field": "lo", "title": "95% from", "format": ",.3f"},
                                              {"field": "hi", "title": "95% to", "format": ",.3f"},
                                              {"field": "p", "title": "p", "format": ".3g"}]}},
                ],
            })  # fmt: skip
        half = self._half_lives(ctx, fit)
        if half:
            panels.append(half)
        qq = self._qq(fit)
        if qq:
            panels.append(qq)
        return spec(ctx, vconcat=panels, spacing=22, resolve={"scale": {"x": "independent"}})

    @staticmethod
    def _half_lives(ctx: ReportContext, fit: dict[str, Any]) -> dict[str, Any] | None:
        rows = []
        for h in fit.get("half_life_days") or []:
            days = h.get("half_life_days")
            if days is None or not days > 0:
                continue
            lo, hi = (h.get("ci95") or [None, None])[:2]
            cross = h.get("from") != h.get("to")
            rows.append({"pair": f"{h['from']} → {h['to']}" if cross else f"{h['from']} → itself",
                         "days": days, "lo": lo if lo and lo > 0 else None,
                         "hi": hi if hi and hi > 0 else None})  # fmt: skip
        if not rows:
            return None
        # an interval reaching past 1,000 days says "not determined"; it is cut at the edge
        values = [v for r in rows for v in (r["days"], r["lo"], r["hi"]) if v]
        domain = [max(min(values) / 1.5, 0.01), min(max(values) * 1.5, MAX_HALF_LIFE)]
        cut = " (cut at 1,000)" if max(values) > MAX_HALF_LIFE else ""
        x = {"type": "quantitative", "scale": {"type": "log", "domain": domain},
             "title": f"days for an event's push to fade by half (95% interval{cut}; log scale)",
             "axis": {"format": ",.3~g"}}  # fmt: skip
        y = {"field": "pair", "type": "nominal", "title": None, "sort": None,
             "axis": {"labelLimit": 260}}  # fmt: skip
        return {
            "title": {"text": "How fast it fades", "fontSize": 13, "fontWeight": "normal",
                      "anchor": "start"},
            "data": {"values": rows},
            "width": ctx.width - 280, "height": 30 * len(rows),
            "layer": [
                {"mark": {"type": "rule", "strokeWidth": 2, "color": NEUTRAL, "clip": True},
                 "encoding": {"x": {**x, "field": "lo"}, "x2": {"field": "hi"}, "y": y}},
                {"mark": {"type": "point", "filled": True, "size": 70, "color": "#222222"},
                 "encoding": {"x": {**x, "field": "days"}, "y": y,
                              "tooltip": [{"field": "pair", "title": "effect"},
                                          {"field": "days", "title": "half-life, days",
                                           "format": ",.2f"},
                                          {"field": "lo", "title": "95% from", "format": ",.2f"},
                                          {"field": "hi", "title": "95% to", "format": ",.2f"}]}},
            ],
        }  # fmt: skip

    @staticmethod
    def _qq(fit: dict[str, Any]) -> dict[str, Any] | None:
        gof = fit.get("gof") or {}
        points = [{"model": q[0], "data": q[1]} for q in gof.get("qq") or [] if len(q) == 2]
        if not points:
            return None
        ks, p = gof.get("ks_statistic"), gof.get("ks_p_value")
        verdict = ""
        if p is not None:
            fits = "no clear misfit" if p >= 0.05 else "the model misses part of the data"
            verdict = f": KS {ks:.3f}, p = {p:.3g} ({fits})"
        axis = {"type": "quantitative", "scale": {"domain": [0, 1]}, "axis": {"format": ".1f"}}
        return {
            "title": {"text": f"Does the model fit{verdict}", "fontSize": 13,
                      "fontWeight": "normal", "anchor": "start"},
            "data": {"values": points},
            "width": 260, "height": 260,
            "layer": [
                {"data": {"values": [{"model": 0, "data": 0}, {"model": 1, "data": 1}]},
                 "mark": {"type": "line", "color": "#999999", "strokeDash": [4, 3]},
                 "encoding": {"x": {**axis, "field": "model"}, "y": {**axis, "field": "data"}}},
                {"mark": {"type": "point", "filled": True, "size": 22, "color": "#222222"},
                 "encoding": {
                     "x": {**axis, "field": "model", "title": "quantile expected under the model"},
                     "y": {**axis, "field": "data", "title": "quantile in the data"},
                     "tooltip": [{"field": "model", "format": ".2f"},
                                 {"field": "data", "format": ".3f"}]}},
            ],
        }  # fmt: skip


class PoliciesChart(Chart):
    name = "policies"
    title = "What if: the same period under other response policies"
    caption = (
        "The fitted self-exciting model run forward many times under each response policy of "
        "one side: each line is the other side's expected number of attacks, added up day by "
        "day, with the band where 90% of the simulated runs fall; the bottom row is how many "
        "more (right of 0) or fewer (left of 0) attacks one policy brings than the other over "
        "the whole period, with its 90% interval. It is a model's answer, not an observation: "
        "it holds only if nothing else drives both sides at once."
    )
    section = "evidence"
    order = 7.0

    def keys(self, ctx: ReportContext) -> list[str | None]:
        return [None] if ctx.extras.get("policies") is not None else []

    def subtitle(self, ctx: ReportContext, key: str | None) -> str | None:
        p = ctx.extras["policies"]
        return (f"{p.get('responder', '?')} responds (or not) to "
                f"{_possessive(str(p.get('attacker', '?')))} "
                f"attacks; the next {p.get('days', '?')} days, {p.get('paths', '?')} simulated "
                "runs")  # fmt: skip

    def build(self, ctx: ReportContext, key: str | None) -> dict[str, Any]:
        data = ctx.extras["policies"]
        attacker = str(data.get("attacker") or "the other side")
        rows, names = [], []
        for policy in data.get("policies") or []:
            path = policy.get("path") or {}
            days, mean = path.get("day") or [], path.get("mean") or []
            lo, hi = path.get("lo90") or [None] * len(days), path.get("hi90") or [None] * len(days)
            if not days or len(mean) != len(days):
                continue
            name = _words(policy.get("name", "?"))
            names.append(name)
            rows += [{"policy": name, "day": d, "mean": m, "lo": a, "hi": b}
                     for d, m, a, b in zip(days, mean, lo, hi, strict=True)]  # fmt: skip
        if not rows:
            raise NotApplicable("the policies file holds no simulated paths")
        side = _side_of(ctx, attacker)
        color = {"field": "policy", "type": "nominal", "title": "policy",
                 "scale": {"domain": names, "range": POLICY_COLORS[: len(names)]},
                 "legend": {"orient": "top", "symbolType": "stroke", "symbolStrokeWidth": 3,
                            "symbolOpacity": 1, "symbolSize": 400}}  # fmt: skip
        x = {"field": "day", "type": "quantitative", "title": "days ahead",
             "axis": {"tickMinStep": 1, "format": "d"}}  # fmt: skip
        y = {"type": "quantitative", "title": f"{_possessive(attacker)} attacks so far (expected)",
             "axis": {"format": ",.0f"}}  # fmt: skip
        paths = {
            "data": {"values": rows},
            "width": ctx.width, "height": 240,
            "layer": [
                {"mark": {"type": "area", "opacity": 0.16},
                 "encoding": {"x": x, "y": {**y, "field": "lo"}, "y2": {"field": "hi"},
                              "color": color}},
                {"mark": {"type": "line", "strokeWidth": 2.5},
                 "encoding": {"x": x, "y": {**y, "field": "mean"}, "color": color,
                              "strokeDash": {"field": "policy", "type": "nominal",
                                             "title": "policy", "scale": {"domain": names}},
                              "tooltip": [{"field": "policy"}, {"field": "day", "title": "day"},
                                          {"field": "mean", "title": "attacks so far",
                                           "format": ",.1f"},
                                          {"field": "lo", "title": "90% from", "format": ",.0f"},
                                          {"field": "hi", "title": "90% to", "format": ",.0f"}]}},
            ],
        }  # fmt: skip
        panels = [paths]
        diff = []
        for d in data.get("difference") or []:
            lo, hi = (d.get("interval90") or [None, None])[:2]
            fewer = d.get("paths_with_fewer_attacks")
            diff.append({"row": f"{_words(d.get('policy'))} − {_words(d.get('versus'))}",
                         "attacks": d.get("attacks"), "lo": lo, "hi": hi,
                         "fewer": None if fewer is None else f"{fewer:.0%}"})  # fmt: skip
        diff = [r for r in diff if r["attacks"] is not None]
        if diff:
            ink = SIDE_COLORS.get(side or "", "#222222")
            dx = {"type": "quantitative", "axis": {"format": "+,.0f"},
                  "title": f"difference in {_possessive(attacker)} attacks over the {data.get('days', '?')} "
                           "days (90% interval)"}  # fmt: skip
            dy = {"field": "row", "type": "nominal", "title": None, "axis": {"labelLimit": 260}}
            panels.append({
                "data": {"values": diff},
                "width": ctx.width - 220, "height": 34 * len(diff),
                "layer": [
                    {"mark": {"type": "rule", "color": NEUTRAL, "strokeDash": [4, 3]},
                     "encoding": {"x": {"datum": 0, "type": "quantitative"}}},
                    {"mark": {"type": "rule", "strokeWidth": 2, "color": ink},
                     "encoding": {"x": {**dx, "field": "lo"}, "x2": {"field": "hi"}, "y": dy}},
                    {"mark": {"type": "point", "filled": True, "size": 90, "color": ink},
                     "encoding": {"x": {**dx, "field": "attacks"}, "y": dy,
                                  "tooltip": [{"field": "row", "title": "policies"},
                                              {"field": "attacks", "format": "+,.1f"},
                                              {"field": "lo", "title": "90% from", "format": "+,.0f"},
                                              {"field": "hi", "title": "90% to", "format": "+,.0f"},
                                              {"field": "fewer",
                                               "title": "runs with fewer attacks"}]}},
                ],
            })  # fmt: skip
        return spec(ctx, vconcat=panels, spacing=20, resolve={"scale": {"x": "independent"}})
