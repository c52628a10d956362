"""The report page (DIR/report.html): counts per type, top industries and zones, a sortable
table of every target, and the speech list with copies marked. One offline HTML file; all
text escaped by the template engine."""
from __future__ import annotations

from pathlib import Path

PREFIXES = """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
TARGETS = PREFIXES + """SELECT ?target ?indicator ?value ?unit ?amount ?year
       (GROUP_CONCAT(DISTINCT ?id; SEPARATOR=" ") AS ?speeches) WHERE {
  ?t a kfq:Target ; rdfs:label ?target . ?doc kfq:mentions ?t ; dcterms:identifier ?id .
  OPTIONAL { ?t kfq:indicator ?indicator } OPTIONAL { ?t kfq:valueText ?value }
  OPTIONAL { ?t kfq:unit ?unit } OPTIONAL { ?t kfq:amount ?amount } OPTIONAL { ?t kfq:year ?year }
} GROUP BY ?target ?indicator ?value ?unit ?amount ?year ORDER BY ?speeches ?target"""
SPEECHES = PREFIXES + """SELECT ?id ?title ?original ?similarity (COUNT(DISTINCT ?e) AS ?entities) WHERE {
  ?doc a kfq:Document ; dcterms:identifier ?id . OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc kfq:mentions ?e }
  OPTIONAL { ?x kfq:duplicate ?doc ; kfq:original/dcterms:identifier ?original ; kfq:similarity ?similarity }
} GROUP BY ?id ?title ?original ?similarity ORDER BY ?id"""
# every typed, labelled entity in the graph (api.stats counts only those that a speech
# other than a copy mentions; the build summary counts them as extracted)
TYPE_COUNTS = PREFIXES + """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type ; rdfs:label ?label }
GROUP BY ?type"""


def _value(term):
    return "" if term is None else term.value


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
    from kg.viz import TYPE_NAMES, VIEW_TYPES, natural_key
    s = api.stats(source, top, index)
    store = api.open_store(source, named_graphs=False)
    targets = [{k: _value(r[k]) for k in ("target", "indicator", "value", "unit", "amount", "year", "speeches")}
               for r in store.query(TARGETS)]
    for t in targets:
        t["speeches"] = " ".join(sorted(t["speeches"].split(), key=natural_key))
        t["amount_text"] = format_amount(t["amount"])
    targets.sort(key=lambda t: (natural_key(t["speeches"]), t["target"]))
    speeches = [{k: _value(r[k]) for k in ("id", "title", "original", "similarity", "entities")}
                for r in store.query(SPEECHES)]
    speeches.sort(key=lambda d: natural_key(d["id"]))
    totals = {r["type"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in store.query(TYPE_COUNTS)}
    cards = [{"type": t, "name": TYPE_NAMES.get(t, t), "entities": totals[t],
              "outside_copies": s["types"].get(t, {}).get("entities", 0)}
             for t in VIEW_TYPES if t in totals]
    return {"stats": s, "targets": targets, "speeches": speeches, "cards": cards,
            "top_industries": s["top"].get("Industry", []), "top_zones": s["top"].get("Zone", [])}


def render_report(source, path, index=None) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from kg.viz import TEMPLATE_DIR, _write_atomically
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    html = env.get_template("report.html").render(**report_data(source, index=index))
    return _write_atomically(Path(path), html)
