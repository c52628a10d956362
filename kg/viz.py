"""Offline HTML viewer: one self-contained file (vis-network inlined, no network at all).

The view is read from the built graph (graph.trig/graph.ttl) with SPARQL, so ``kg viz``
works on any output folder. All document text goes into the page as JSON inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the
page's script only ever inserts it with ``textContent``: no document text can run.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
MAX_SENTENCES_PER_ENTITY = 20
LAYOUT_IN_PYTHON_ABOVE = 500      # nodes: beyond this, positions come from networkx, physics off
TYPE_COLOURS = {
    "Zone": "#e4572e", "Industry": "#17bebb", "Program": "#ffc914", "Target": "#76b041",
    "Metric": "#a3c585", "Role": "#8e6c8a", "Person": "#d1495b", "Organization": "#2e86ab",
    "Place": "#9c6644",
}
RELATION_LABELS = {
    "focusesOn": "重点产业", "hasProgram": "政策项目", "targetOf": "目标", "holdsRole": "担任",
    "roleIn": "所属", "locatedIn": "位于",
}
PREFIXES = """
PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
"""
# speeches mentioning an entity, copies of another speech not counted (but at least one)
ENTITY_QUERY = PREFIXES + """
SELECT ?e ?type ?label (COUNT(DISTINCT ?original) AS ?docs) WHERE {
  ?doc a kfq:Document ; kfq:mentions ?e . ?e a ?type ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?type), STR(kfq:)))
  OPTIONAL { FILTER NOT EXISTS { ?doc kfq:duplicateOf ?any } BIND(?doc AS ?original) }
} GROUP BY ?e ?type ?label"""
ALIAS_QUERY = PREFIXES + "SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias }"
FIELD_QUERY = PREFIXES + """
SELECT DISTINCT ?e ?p ?o WHERE {
  VALUES ?p { kfq:indicator kfq:valueText kfq:unit kfq:qualifier kfq:year kfq:amount kfq:currency }
  ?e ?p ?o }"""
ROLE_QUERY = PREFIXES + "SELECT DISTINCT ?p ?role WHERE { ?p kfq:holdsRole/rdfs:label ?role }"
EDGE_QUERY = PREFIXES + """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { kfq:focusesOn kfq:hasProgram kfq:targetOf kfq:holdsRole kfq:roleIn kfq:locatedIn }
  ?s ?p ?o }"""
DOC_QUERY = PREFIXES + """
SELECT ?doc ?id ?title ?original WHERE { ?doc a kfq:Document ; dcterms:identifier ?id .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc kfq:duplicateOf/dcterms:identifier ?original } }"""
MENTION_QUERY = PREFIXES + """
SELECT ?e ?id ?text ?sb ?b ?end WHERE {
  ?m kfq:mentionOf ?e ; kfq:inDocument/dcterms:identifier ?id ; kfq:inSentence ?s ;
     nif:beginIndex ?b ; nif:endIndex ?end .
  ?s nif:isString ?text ; nif:beginIndex ?sb .
} ORDER BY ?e ?id ?b"""


def load_view(source) -> dict:
    """The graph as plain data for the page: nodes, edges, documents, provenance."""
    from kg.api import open_store
    store = open_store(source)
    q = store.query
    nodes: dict[str, dict] = {}
    for r in q(ENTITY_QUERY):
        etype = r["type"].value.rsplit("#", 1)[-1]
        nodes[r["e"].value] = {"id": r["e"].value, "type": etype, "label": r["label"].value,
                               "docs": max(1, int(r["docs"].value)), "aliases": [], "fields": {},
                               "roles": [], "mentions": []}
    for r in q(ALIAS_QUERY):
        if r["e"].value in nodes:
            nodes[r["e"].value]["aliases"].append(r["alias"].value)
    for r in q(FIELD_QUERY):
        if r["e"].value in nodes:
            nodes[r["e"].value]["fields"][r["p"].value.rsplit("#", 1)[-1]] = r["o"].value
    for r in q(ROLE_QUERY):
        if r["p"].value in nodes:
            nodes[r["p"].value]["roles"].append(r["role"].value)
    per_entity = defaultdict(int)
    for r in q(MENTION_QUERY):
        e = r["e"].value
        if e in nodes and per_entity[e] < MAX_SENTENCES_PER_ENTITY:
            per_entity[e] += 1
            offset = int(r["sb"].value)
            nodes[e]["mentions"].append({"doc": r["id"].value, "sentence": r["text"].value,
                                         "begin": int(r["b"].value) - offset,
                                         "end": int(r["end"].value) - offset})
    edges = [{"from": r["s"].value, "to": r["o"].value, "relation": r["p"].value.rsplit("#", 1)[-1]}
             for r in q(EDGE_QUERY) if r["s"].value in nodes and r["o"].value in nodes]
    documents = sorted(({"id": r["id"].value, "title": r["title"].value if r["title"] else "",
                         "duplicateOf": r["original"].value if r["original"] else None}
                        for r in q(DOC_QUERY)), key=lambda d: d["id"])
    for n in nodes.values():
        n["aliases"].sort()
        n["roles"].sort()
        n["speeches"] = sorted({m["doc"] for m in n["mentions"]})
    return {"nodes": sorted(nodes.values(), key=lambda n: (-n["docs"], n["type"], n["label"])),
            "edges": sorted(edges, key=lambda e: (e["from"], e["relation"], e["to"])),
            "documents": documents}


def select(view: dict, *, max_nodes: int = 300, min_docs: int = 1, types=None, document=None,
           entity=None, depth: int = 1) -> dict:
    """A part of the view: an entity's neighbourhood, a speech's entities, or the top
    entities by number of speeches (at most ``max_nodes``)."""
    nodes = {n["id"]: n for n in view["nodes"]}
    if entity is not None:
        keep = _neighbourhood(view, nodes, entity, depth)
    else:
        keep = [n for n in view["nodes"] if n["docs"] >= min_docs
                and (types is None or n["type"] in types)
                and (document is None or document in n["speeches"])]
        keep = {n["id"] for n in keep[:max_nodes]}
    return {"nodes": [n for n in view["nodes"] if n["id"] in keep],
            "edges": [e for e in view["edges"] if e["from"] in keep and e["to"] in keep],
            "documents": view["documents"]}


def _neighbourhood(view, nodes, label: str, depth: int) -> set:
    start = {n["id"] for n in nodes.values() if n["label"] == label or label in n["aliases"]}
    if not start:
        raise LookupError(f"no entity labelled {label!r}")
    adjacent = defaultdict(set)
    for e in view["edges"]:
        adjacent[e["from"]].add(e["to"])
        adjacent[e["to"]].add(e["from"])
    seen, frontier = set(start), set(start)
    for _ in range(depth):
        frontier = {m for n in frontier for m in adjacent[n]} - seen
        seen |= frontier
    return seen


def _layout(view: dict) -> dict | None:
    """Fixed positions for big views (vis's physics would take too long to settle)."""
    if len(view["nodes"]) <= LAYOUT_IN_PYTHON_ABOVE:
        return None
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(n["id"] for n in view["nodes"])
    g.add_edges_from((e["from"], e["to"]) for e in view["edges"])
    pos = nx.spring_layout(g, seed=7, iterations=30, scale=40 * len(view["nodes"]) ** 0.5)
    return {k: [round(float(x), 1), round(float(y), 1)] for k, (x, y) in pos.items()}


def _json_for_script(data) -> str:
    """JSON safe inside <script>: no character of it can close the element."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _vis_assets() -> tuple[str, str]:
    import pyvis
    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / "vis-9.1.2"
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    css = (lib / "vis-network.css").read_text(encoding="utf-8").replace("</style", "<\\/style")
    return js, css


def render_html(view: dict, path, title: str = "kfq-kg") -> str:
    """Write the page atomically; returns its path."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]))
    js, css = _vis_assets()
    payload = {"nodes": view["nodes"], "edges": view["edges"], "documents": view["documents"],
               "colours": TYPE_COLOURS, "relations": RELATION_LABELS, "positions": _layout(view)}
    html = env.get_template("viewer.html").render(
        title=title, vis_js=Markup(js), vis_css=Markup(css), data=Markup(_json_for_script(payload)),
        node_count=len(view["nodes"]), edge_count=len(view["edges"]))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(html)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return str(path)
