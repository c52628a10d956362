"""Exchange formats: GraphML and GEXF (Gephi), JSON-LD, N-Quads, and CSV tables.

GraphML/GEXF carry the networkx projection (kg.analysis.projection); JSON-LD and N-Quads
carry every quad of graph.trig; the CSV tables open in a spreadsheet (UTF-8 with BOM).
"""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import networkx as nx

from kg.graph import NS

FORMATS = ("graphml", "gexf", "jsonld", "nquads", "csv")
DEFAULT_NAMES = {"graphml": "graph.graphml", "gexf": "graph.gexf", "jsonld": "graph.jsonld",
                 "nquads": "graph.nq", "csv": "tables"}
JSONLD_CONTEXT = {
    **{p: NS[p] for p in ("kfq", "rdfs", "skos", "dcterms", "prov", "nif", "xsd")},
    "label": {"@id": "rdfs:label"},
    "altLabel": {"@id": "skos:altLabel"},
    "mentions": {"@id": "kfq:mentions", "@type": "@id"},
    "focusesOn": {"@id": "kfq:focusesOn", "@type": "@id"},
    "hasProgram": {"@id": "kfq:hasProgram", "@type": "@id"},
    "holdsRole": {"@id": "kfq:holdsRole", "@type": "@id"},
    "roleIn": {"@id": "kfq:roleIn", "@type": "@id"},
    "locatedIn": {"@id": "kfq:locatedIn", "@type": "@id"},
    "targetOf": {"@id": "kfq:targetOf", "@type": "@id"},
}
CSV_TABLES = {
    "entities.csv": ["iri", "type", "label", "aliases", "speeches"],
    "mentions.csv": ["entity", "type", "label", "speech", "begin", "end", "surface", "sentence"],
    "targets.csv": ["target", "type", "indicator", "value", "unit", "qualifier", "year", "amount",
                    "currency", "belongs_to", "speeches"],
    "people.csv": ["person", "role", "organization", "speeches"],
}


def _atomic(path: Path, write, binary: bool = False) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
        write(f)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return str(path)


def _for_gephi(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Typed attributes only (str/int), a readable label on every node and edge."""
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        h.add_node(n, label=d["label"], type=d["type"], speeches=int(d["speeches"]))
    for a, b, k, d in g.edges(keys=True, data=True):
        h.add_edge(a, b, key=k, relation=d["relation"], weight=int(d.get("weight", 1)), label=d["relation"])
    return h


def export(source, fmt: str, path=None, co_mention_threshold: int = 2) -> str:
    """Write ``source`` (an output folder or graph file) as ``fmt``; returns the path."""
    from kg.api import graph_file
    graph = graph_file(source)
    target = Path(path) if path else graph.parent / DEFAULT_NAMES[fmt]
    if fmt in ("graphml", "gexf"):
        from kg.analysis import projection
        g = _for_gephi(projection(source, co_mention_threshold))
        writer = nx.write_graphml if fmt == "graphml" else nx.write_gexf
        return _atomic(target, lambda f: writer(g, f), binary=True)
    if fmt == "nquads":
        import pyoxigraph as ox
        quads = sorted(ox.parse(path=str(graph), format=ox.RdfFormat.TRIG), key=str)
        return _atomic(target, lambda f: ox.serialize(quads, f, format=ox.RdfFormat.N_QUADS), binary=True)
    if fmt == "jsonld":
        import rdflib
        ds = rdflib.Dataset()
        ds.parse(graph, format="trig")
        text = ds.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True)
        return _atomic(target, lambda f: f.write(text))
    if fmt == "csv":
        return write_tables(source, target)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


TABLE_QUERIES = {
    "entities.csv": """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iri ?type ?label (GROUP_CONCAT(DISTINCT ?alt; SEPARATOR="|") AS ?aliases)
       (COUNT(DISTINCT ?doc) AS ?speeches) WHERE {
  ?doc kfq:mentions ?iri . ?iri a ?t ; rdfs:label ?label . BIND(STRAFTER(STR(?t), "#") AS ?type)
  OPTIONAL { ?iri skos:altLabel ?alt }
} GROUP BY ?iri ?type ?label ORDER BY ?type ?label""",
    "mentions.csv": """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#>
SELECT ?entity ?type ?label ?speech ?begin ?end ?surface ?sentence WHERE {
  ?m kfq:mentionOf ?entity ; kfq:inDocument/dcterms:identifier ?speech ;
     nif:beginIndex ?begin ; nif:endIndex ?end ; nif:anchorOf ?surface ; kfq:inSentence/nif:isString ?sentence .
  ?entity a ?t ; rdfs:label ?label . BIND(STRAFTER(STR(?t), "#") AS ?type)
} ORDER BY ?speech ?begin ?type""",
    "targets.csv": """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?target ?type ?indicator ?value ?unit ?qualifier ?year ?amount ?currency
       (GROUP_CONCAT(DISTINCT ?owner; SEPARATOR="|") AS ?belongs_to)
       (GROUP_CONCAT(DISTINCT ?id; SEPARATOR="|") AS ?speeches) WHERE {
  ?e a ?t ; rdfs:label ?target . FILTER(?t IN (kfq:Target, kfq:Metric)) BIND(STRAFTER(STR(?t), "#") AS ?type)
  ?doc kfq:mentions ?e ; dcterms:identifier ?id .
  OPTIONAL { ?e kfq:indicator ?indicator } OPTIONAL { ?e kfq:valueText ?value } OPTIONAL { ?e kfq:unit ?unit }
  OPTIONAL { ?e kfq:qualifier ?qualifier } OPTIONAL { ?e kfq:year ?year } OPTIONAL { ?e kfq:amount ?amount }
  OPTIONAL { ?e kfq:currency ?currency } OPTIONAL { ?e kfq:targetOf/rdfs:label ?owner }
} GROUP BY ?target ?type ?indicator ?value ?unit ?qualifier ?year ?amount ?currency ORDER BY ?type ?target""",
    "people.csv": """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?person ?role ?organization (GROUP_CONCAT(DISTINCT ?id; SEPARATOR="|") AS ?speeches) WHERE {
  ?p a kfq:Person ; rdfs:label ?person . ?doc kfq:mentions ?p ; dcterms:identifier ?id .
  OPTIONAL { ?p kfq:holdsRole ?r . ?r rdfs:label ?role . OPTIONAL { ?r kfq:roleIn/rdfs:label ?organization } }
} GROUP BY ?person ?role ?organization ORDER BY ?person""",
}


def write_tables(source, folder) -> str:
    """entities.csv, mentions.csv, targets.csv, people.csv (UTF-8 with BOM, for Excel)."""
    from kg.api import open_store
    store = open_store(source, named_graphs=False)
    folder = Path(folder)
    for name, columns in CSV_TABLES.items():
        rows = [[("" if r[c] is None else r[c].value) for c in columns] for r in store.query(TABLE_QUERIES[name])]

        def write(f, rows=rows, columns=columns):
            f.write("\ufeff")
            w = csv.writer(f)
            w.writerow(columns)
            w.writerows(rows)
        _atomic(folder / name, write)
    return str(folder)
