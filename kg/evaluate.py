"""Measure a built graph against annotated speeches: P/R/F1 per type, missed and spurious.

Gold format (one JSON file per source file, see README "Evaluating on your own speeches")::

    {"source": "speech.txt", "documents": [{"id": "speech", "entities": [
        {"type": "Zone", "label": "临江高新区", "aliases": ["临江高新技术产业开发区"]},
        {"type": "Target", "label": "…", "value": "500", "unit": "亿元"},
        {"type": "Person", "label": "建华", "role": "市长"},
        {"type": "Zone", "label": "开发区", "generic": true}]}]}

Matching: labels are compared folded (NFKC, no spaces or punctuation, placeholder runs → X;
Industry without a trailing 产业/行业/产业链/产业集群); a numeric Target matches on value and
unit; predictions matching a ``generic`` gold entity are ignored; one prediction matches at
most one gold entity.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.link import INDUSTRY_TAIL, fold
from kg.model import ENTITY_TYPES
from kg.numerals import chinese_number

PREDICTION_QUERY = """
PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?id ?e ?type ?label ?value ?unit ?indicator ?role WHERE {
  ?doc a kfq:Document ; dcterms:identifier ?id ; kfq:mentions ?e .
  ?e a ?type ; rdfs:label|skos:altLabel ?label .
  OPTIONAL { ?e kfq:valueText ?value } OPTIONAL { ?e kfq:unit ?unit }
  OPTIONAL { ?e kfq:indicator ?indicator } OPTIONAL { ?e kfq:holdsRole/rdfs:label ?role }
}"""


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list = field(default_factory=list)
    spurious: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def norm(text, etype=None) -> str:
    t = fold(str(text or ""))
    if etype == "Industry":
        stripped = INDUSTRY_TAIL.sub("", t)
        t = stripped if len(stripped) >= 2 else t
    return t


def to_number(value):
    if value in (None, ""):
        return None
    text = str(value).replace(",", "").strip()
    try:
        return float(text)
    except ValueError:
        number = chinese_number(text)
        return None if number is None else float(number)


def predictions(source) -> dict[str, dict]:
    """{doc id: {entity iri: {"type", "labels", "value", "unit", "indicator", "roles"}}}"""
    from kg.api import open_store
    docs: dict[str, dict] = defaultdict(dict)
    for row in open_store(source, named_graphs=False).query(PREDICTION_QUERY):
        etype = row["type"].value.rsplit("#", 1)[-1]
        if etype not in ENTITY_TYPES:
            continue
        ent = docs[row["id"].value].setdefault(row["e"].value, {"type": etype, "labels": set(), "roles": set()})
        ent["labels"].add(row["label"].value)
        for key in ("value", "unit", "indicator"):
            if row[key] is not None:
                ent[key] = row[key].value
        if row["role"] is not None:
            ent["roles"].add(row["role"].value)
    return docs


def _matches(gold: dict, pred: dict) -> bool:
    if gold["type"] == "Target":
        gv = to_number(gold.get("value"))
        if gv is not None:
            pv = to_number(pred.get("value"))
            return pv is not None and abs(gv - pv) < 1e-9 and norm(gold.get("unit")) == norm(pred.get("unit"))
        keys = {norm(gold.get("indicator")), *(norm(x) for x in [gold["label"], *gold.get("aliases", [])])}
        cands = {norm(pred.get("indicator")), *(norm(x) for x in pred["labels"])}
        return any(len(k) >= 2 and len(c) >= 2 and (k in c or c in k) for k in keys for c in cands)
    names = {norm(x, gold["type"]) for x in [gold["label"], *gold.get("aliases", [])]} - {""}
    return bool(names & ({norm(x, gold["type"]) for x in pred["labels"]} - {""}))


def _align(golds, preds):
    used, pairs = set(), []
    for g in golds:
        for i, p in enumerate(preds):
            if i not in used and _matches(g, p):
                used.add(i)
                pairs.append((g, p))
                break
    return pairs, [p for i, p in enumerate(preds) if i not in used]


def evaluate(source, gold_dir) -> dict[str, TypeScore]:
    """Scores per type plus "micro"; each TypeScore lists its missed and spurious labels."""
    preds = predictions(source)
    scores = {t: TypeScore() for t in ENTITY_TYPES}
    for gold_file in sorted(Path(gold_dir).glob("*.json")):
        for doc in json.loads(gold_file.read_text(encoding="utf-8"))["documents"]:
            doc_preds = list(preds.get(doc["id"], {}).values())
            for etype in ENTITY_TYPES:
                golds = [e for e in doc["entities"] if e["type"] == etype]
                plist = [p for p in doc_preds if p["type"] == etype]
                pairs, spurious = _align([g for g in golds if not g.get("generic")], plist)
                _, spurious = _align([g for g in golds if g.get("generic")], spurious)
                matched = {id(g) for g, _ in pairs}
                missed = [g for g in golds if not g.get("generic") and id(g) not in matched]
                s = scores[etype]
                s.tp += len(pairs)
                s.fp += len(spurious)
                s.fn += len(missed)
                s.missed += [f"{doc['id']}: {g['label']}" for g in missed]
                s.spurious += [f"{doc['id']}: {min(p['labels'])}" for p in spurious]
    micro = TypeScore(tp=sum(s.tp for s in scores.values()), fp=sum(s.fp for s in scores.values()),
                      fn=sum(s.fn for s in scores.values()))
    scores["micro"] = micro
    return scores
