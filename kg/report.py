"""The report page (DIR/report.html): counts per type, top industries and zones, a sortable
table of every target, and the speech list with copies marked. One offline HTML file; all
text escaped by the template engine."""
from __future__ import annotations

from pathlib import Path

TARGET_COLUMNS = ("target", "indicator", "value", "unit", "amount", "year")


def format_amount(raw: str) -> str:
    """An amount in yuan for reading: 亿 / 万 rounded to two decimals, else thousands
    separators; the raw value stays in the table cell's data-sort attribute."""
    try:
        x = float(raw)
    except (TypeError, ValueError):
        return raw or ""
    for unit, size in (("亿", 1e8), ("万", 1e4)):
        if abs(x) >= size:
            return f"{x / size:,.2f}".rstrip("0").rstrip(".") + " " + unit
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def report_data(source, top: int = 15, index=None) -> dict:
    from kg import api
    from kg.analysis import mention_index
    from kg.page_facts import open_facts
    from kg.viz import TYPE_NAMES, VIEW_TYPES
    facts = open_facts(source)
    index = index or mention_index(facts)
    s = api.stats(facts, top, index)
    totals = _type_counts(facts)
    cards = [{"type": t, "name": TYPE_NAMES.get(t, t), "entities": totals[t],
              "outside_copies": s["types"].get(t, {}).get("entities", 0)}
             for t in VIEW_TYPES if t in totals]
    return {"stats": s, "targets": _targets(facts, index), "speeches": _speeches(facts, index), "cards": cards,
            "top_industries": s["top"].get("Industry", []), "top_zones": s["top"].get("Zone", [])}


def _type_counts(facts) -> dict[str, int]:
    """Every typed, labelled entity in the graph, counted per type (api.stats counts only
    those that a speech other than a copy mentions; the build summary counts them as
    extracted)."""
    typed: dict[str, set] = {}
    for e, etype, _ in facts.rows("entities"):
        typed.setdefault(etype, set()).add(e)
    return {etype.rsplit("#", 1)[-1]: len(members) for etype, members in typed.items()}


def _targets(facts, index) -> list[dict]:
    """A row per target (targets alike in every column are one row), with the speeches
    that mention it, copies included; targets no speech mentions are left out."""
    from kg.viz import natural_key
    speeches_of: dict[str, set] = {}
    for doc, ents in index.mentions.items():
        if doc in index.ids:
            for e in ents:
                speeches_of.setdefault(e, set()).add(index.ids[doc])
    rows: dict[tuple, set] = {}
    for t, *columns in facts.rows("targets"):
        if speeches_of.get(t):
            rows.setdefault(tuple("" if c is None else c for c in columns), set()).update(speeches_of[t])
    targets = []
    for columns, ids in rows.items():
        row = dict(zip(TARGET_COLUMNS, columns))
        row["speeches"] = " ".join(sorted(ids, key=natural_key))
        row["amount_text"] = format_amount(row["amount"])
        targets.append(row)
    return sorted(targets, key=lambda t: (natural_key(t["speeches"]), t["target"], t["indicator"], t["value"],
                                          t["unit"], t["amount"], t["year"]))


def _speeches(facts, index) -> list[dict]:
    """A row per speech: identifier, title, the speech it repeats and how closely, and how
    many entities it names."""
    from kg.viz import natural_key
    titles: dict[str, str] = {}
    for doc_id, title, _ in facts.rows("titles"):
        titles[doc_id] = min(titles.get(doc_id, title or ""), title or "")
    originals = {copy: (original, similarity) for copy, original, similarity in facts.rows("duplications")}
    speeches = []
    for doc, doc_id in index.ids.items():
        original, similarity = originals.get(doc, (None, ""))
        speeches.append({"id": doc_id, "title": titles.get(doc_id, ""), "original": index.ids.get(original, ""),
                         "similarity": similarity, "entities": str(len(index.mentions.get(doc, ())))})
    return sorted(speeches, key=lambda d: natural_key(d["id"]))


def render_report(source, path, index=None) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from kg.viz import TEMPLATE_DIR, _write_atomically
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    html = env.get_template("report.html").render(**report_data(source, index=index))
    return _write_atomically(Path(path), html)
