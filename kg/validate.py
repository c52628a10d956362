"""SHACL validation of a built graph against ontology/shapes.ttl (pyshacl)."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import rdflib

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def ontology_dir() -> Path:
    """ontology/ beside the kg package (a source checkout or `pip install -e .`), or
    $KFQ_ONTOLOGY_DIR."""
    env = os.environ.get("KFQ_ONTOLOGY_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "ontology"


@lru_cache(maxsize=1)
def load_ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "kfq.ttl", format="turtle")


@lru_cache(maxsize=1)
def load_shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")


def _as_graph(data) -> rdflib.Graph:
    if isinstance(data, rdflib.Graph):
        return data
    path = Path(data)
    g = rdflib.Dataset() if path.suffix == ".trig" else rdflib.Graph()
    g.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
    if isinstance(g, rdflib.Dataset):
        union = rdflib.Graph()
        for s, p, o, _ in g.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return g


def validate(data, *, may_change: bool = False) -> tuple[bool, list[str]]:
    """(conforms, one readable line per violation) for a graph or a .ttl/.trig path.

    The ontology is mixed in (no inference: rdfs:range would make anything a Role) so that
    sh:class kfq:Entity accepts every subclass through the ontology's rdfs:subClassOf:
    into the graph itself when it is read here from a path or ``may_change`` says the
    caller's graph may take the ontology's triples (no copy made: a sixth of the time of
    checking 25 speeches), else into a copy.
    """
    import pyshacl
    graph = _as_graph(data)
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=load_shapes(),
                                          ont_graph=load_ontology(), inference="none",
                                          advanced=False, allow_warnings=True,
                                          inplace=may_change or graph is not data)
    lines = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        lines.append(f"{focus} {path or ''}: {message}")
    return bool(conforms), sorted(lines)


def _to_rdflib(term):
    import pyoxigraph as ox
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(rdflib.XSD.string):
        return rdflib.Literal(term.value)      # as Turtle reads a plain string
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def validate_quads(quads, provenance_sample: int = 500) -> tuple[bool, list[str]]:
    """Validate a build's quads without a round trip through Turtle.

    Documents, entities and relations are all checked; of the mention and sentence nodes,
    which the graph writer makes by one fixed pattern and which outnumber everything else
    many times over, the first ``provenance_sample`` of each kind are: enough to catch a
    fault of that pattern, at a bounded cost (pyshacl's time grows with every node).
    """
    g = rdflib.Graph()
    seen: dict[str, set] = {"/m/": set(), "/s/": set()}
    for q in quads:
        subject = q.subject.value
        kind = "/m/" if "/m/" in subject else "/s/" if "/s/" in subject else None
        if kind:
            nodes = seen[kind]
            if subject not in nodes:
                if len(nodes) >= provenance_sample:
                    continue
                nodes.add(subject)
        g.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    return validate(g, may_change=True)
