"""The analysts' query library: named SPARQL queries in ontology/queries/*.rq.

Each file starts with comment lines: ``# Question: …`` (what it answers) and one
``# param NAME: description (optional|required)`` line per parameter. A parameter binds
the query variable of the same name through a ``VALUES`` block at the top of the WHERE
clause, whose terms pyoxigraph serialises (escaped by construction: the value is never
pasted into the query as text), so a value can hold any character. (Oxigraph's own
substitution would need every bound variable in the SELECT list.)

``# param NAME (label): …`` marks a parameter that is an entity's name: its value is bound
as a ``@zh`` literal, the form every ``rdfs:label`` and ``skos:altLabel`` has, so the query
can match ``?e rdfs:label ?NAME`` directly and the store answers from its index (a
``BIND(STRLANG(…))`` in the query would be computed after a scan of every label).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.validate import ontology_dir

PARAM_LINE = re.compile(r"#\s*param\s+(\w+)\s*(?:\((\w+)\))?\s*:\s*(.*)")
KINDS = ("label",)          # a parameter with no kind: IRI, integer or plain string by its form


@dataclass
class NamedQuery:
    name: str
    question: str
    text: str
    params: dict[str, str] = field(default_factory=dict)      # name → description
    kinds: dict[str, str] = field(default_factory=dict)       # name → "label" (see term_for)

    def required(self) -> list[str]:
        return [p for p, desc in self.params.items() if "required" in desc]


def query_dir() -> Path:
    return ontology_dir() / "queries"


def library() -> dict[str, NamedQuery]:
    queries = {}
    for path in sorted(query_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        question = next((line.split(":", 1)[1].strip() for line in text.splitlines()
                         if line.startswith("# Question:")), "")
        params = {m.group(1): m.group(3).strip() for m in map(PARAM_LINE.match, text.splitlines()) if m}
        queries[path.stem] = NamedQuery(path.stem, question, text, params, param_kinds(text))
    return queries


def param_kinds(sparql: str) -> dict[str, str]:
    """``# param NAME (kind): …`` lines of a query's text → {NAME: kind}."""
    kinds = {}
    for m in map(PARAM_LINE.match, sparql.splitlines()):
        if m and m.group(2):
            if m.group(2) not in KINDS:
                raise ValueError(f"parameter {m.group(1)}: unknown kind ({m.group(2)}); "
                                 f"one of {', '.join(KINDS)}")
            kinds[m.group(1)] = m.group(2)
    return kinds


def parse_params(pairs: list[str]) -> dict[str, str]:
    """["zone=临江高新区", "inYear=2025"] → {"zone": "临江高新区", "inYear": "2025"}"""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"\w+", key):
            raise ValueError(f"--param takes key=value, not {pair!r}")
        params[key] = value
    return params


def term_for(value: str, kind: str | None = None):
    """A parameter value as an RDF term: for a ``label`` parameter the literal ``value@zh``;
    otherwise <IRI>, an integer, or a plain string."""
    import pyoxigraph as ox
    if kind == "label":
        return ox.Literal(value, language="zh")
    if value.startswith("<") and value.endswith(">"):
        return ox.NamedNode(value[1:-1])
    if re.fullmatch(r"-?\d+", value):
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


WHERE_OPEN = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(sparql: str, params: dict[str, str]) -> str:
    """The query with ``VALUES (?k …) { (term …) }`` opening its WHERE clause (terms as
    :func:`term_for` makes them, by the kinds the query's ``# param`` lines give)."""
    if not params:
        return sparql
    m = WHERE_OPEN.search(sparql)
    if m is None:
        raise ValueError("parameters need a query with a WHERE clause")
    kinds = param_kinds(sparql)
    names = sorted(params)
    block = "VALUES (%s) { (%s) }" % (" ".join(f"?{n}" for n in names),
                                       " ".join(str(term_for(params[n], kinds.get(n))) for n in names))
    return sparql[:m.end()] + " " + block + " " + sparql[m.end():]
