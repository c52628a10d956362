"""Offline HTML viewer: one self-contained file (vis-network inlined, no network at all).

The view is read from the built graph, never from the build's Python objects: the pages'
patterns (:mod:`kg.page_facts`) asked by SPARQL of a folder's graph files, so ``kg viz``
works on any output folder, or, in a build, matched over the triples it wrote.
All graph text goes into the page as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` escaped, and the page's script only ever inserts it with
``textContent``: no speech text can run as markup or script.
"""
from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import orjson

from kg.model import ENTITY_TYPES
from kg.page_facts import KFQ

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
VIS_DIR = ("templates", "lib", "vis-9.1.2")          # inside the installed pyvis package
MAX_SENTENCES_PER_ENTITY = 20     # bounds the page size: a busy entity has thousands
LAYOUT_IN_PYTHON_ABOVE = 500      # nodes: beyond this vis's physics takes too long to settle
SPRING_LAYOUT_AT_MOST = 2000      # beyond this networkx's spring layout takes too long too
STABILISATION_ITERATIONS = 200
LAYOUT_SEED = 7
LARGE_VIEW = 1000                 # nodes: beyond this no edge labels, edges hidden on drag/zoom
GRID_CELL = (130, 44)             # spacing of the grid of unlinked entities beside the core

# Metric (achieved figures) is not a guideline type, but the graph holds it.
VIEW_TYPES = ENTITY_TYPES[:4] + ("Metric",) + ENTITY_TYPES[4:]
# one clearly different hue per type (Zone red / Person pink, Industry cyan / Organization
# blue, Target green / Metric purple)
TYPE_COLOURS = {
    "Zone": "#d62728", "Industry": "#17becf", "Program": "#f0a30a", "Target": "#2ca02c",
    "Metric": "#9467bd", "Role": "#5f7185", "Person": "#e377c2", "Organization": "#1f5fbf",
    "Place": "#8c564b",
}
TYPE_NAMES = {
    "Zone": "开发区", "Industry": "产业", "Program": "政策项目", "Target": "目标",
    "Metric": "已完成指标", "Role": "职务", "Person": "人物", "Organization": "机构", "Place": "地点",
}
RELATION_LABELS = {
    "focusesOn": "重点产业", "hasProgram": "政策项目", "targetOf": "目标", "holdsRole": "担任",
    "roleIn": "所属", "locatedIn": "位于",
}
HOLDS_ROLE = KFQ + "holdsRole"


# ---------------------------------------------------------------- reading the graph

def graph_path(source) -> Path:
    """An output folder or a graph file → the graph file to read (graph.trig preferred)."""
    from kg.api import graph_file
    return graph_file(source)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1]


def load_view(source, index=None, **selection) -> dict:
    """The graph as plain data for the page: ``nodes`` (entities with labels, aliases,
    speeches, fields, roles, source sentences), ``edges`` and ``documents``. ``source``: a
    folder, a graph file, a store or its :mod:`kg.page_facts`; ``index``: its
    :func:`kg.analysis.mention_index`, if the caller has read it already. With
    ``selection`` (:func:`select`'s arguments), the view of that part alone: what
    ``select(load_view(source), **selection)`` gives, with only the chosen entities'
    lists sorted and source sentences picked (a build's page shows 300 of 63,000 entities
    at 10,000 speeches)."""
    from kg.analysis import community_of_lists, mention_index, projection_lists
    from kg.page_facts import open_facts
    facts = open_facts(source)
    index = index or mention_index(facts)
    nodes = _entities(index)
    copies = {index.ids[d] for d in index.copies if d in index.ids}
    for doc, ents in index.mentions.items():
        doc_id = index.ids.get(doc)
        if doc_id is None:
            continue
        for e in ents:
            node = nodes.get(e)
            if node is not None:
                node["speeches"].append(doc_id)
    for e, alias in facts.rows("aliases"):
        if e in nodes:
            nodes[e]["aliases"].append(alias)
    for e, p, o in facts.rows("fields"):
        if e in nodes:
            nodes[e]["fields"][_local(p)] = o
    relations = facts.rows("relations")
    _attach_roles(facts, nodes, relations)
    spans = _sentence_spans(facts, nodes, index.ids)
    for n in nodes.values():
        # a copy of a speech (kfq:duplicateOf) is not a second speech mentioning it
        n["docs"] = max(1, len(set(n["speeches"]) - copies))
    groups = community_of_lists(*projection_lists(facts, index=index))
    for n in nodes.values():
        n["community"] = groups.get(n["id"], -1)
    edges = [{"from": s, "to": o, "relation": _local(p)} for s, p, o in relations if s in nodes and o in nodes]
    titles: dict[str, str] = {}
    for doc_id, title, copy in facts.rows("titles"):
        title = title or ""
        titles[doc_id] = min(titles.get(doc_id, title), title) or title
        if copy is not None:
            copies.add(doc_id)
    view = {
        "nodes": sorted(nodes.values(), key=_rank),
        "edges": sorted(edges, key=lambda e: (e["from"], e["relation"], e["to"])),
        "documents": [{"id": k, "title": titles[k], "copy": k in copies} for k in sorted(titles, key=natural_key)],
    }
    if selection:
        view = select(view, **selection)
    in_order = {doc_id: i for i, doc_id in enumerate(sorted(set(index.ids.values()), key=natural_key))}
    for n in view["nodes"]:
        _finish(n, spans.get(n["id"]), in_order)
    return view


def _finish(node: dict, spans: dict | None, in_order: dict[str, int]) -> None:
    """A shown entity's lists, each once and sorted (its speeches in speech order), and its
    source sentences: at most MAX_SENTENCES_PER_ENTITY, taken in turn from its speeches so
    one long speech does not crowd out the others."""
    node["aliases"] = sorted(set(node["aliases"]) - {node["label"]})
    node["roles"] = sorted(set(node["roles"]))
    node["speeches"] = sorted(set(node["speeches"]), key=in_order.__getitem__)
    if spans:
        chosen = _round_robin(sorted(spans), MAX_SENTENCES_PER_ENTITY)
        node["mentions"] = [{"doc": key[0], "sentence": spans[key][2], "begin": spans[key][0],
                             "end": spans[key][1]} for key in chosen]


_TYPE_RANK = {t: i for i, t in enumerate(VIEW_TYPES)}


def _rank(n: dict) -> tuple:
    """Most speeches first, then most source sentences, then type order and label."""
    return (-n["docs"], -n.get("mention_count", 0), _TYPE_RANK.get(n["type"], len(_TYPE_RANK)),
            n["label"], n["id"])


@lru_cache(maxsize=65536)       # the same speech ids are sorted again for every entity
def natural_key(text: str) -> tuple:
    """Sort key that puts ``#2`` before ``#10``: digit runs compare as numbers."""
    import re
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def _entities(index) -> dict[str, dict]:
    """The view's nodes: every labelled entity of a VIEW_TYPES type."""
    return {iri: {"id": iri, "type": etype, "label": label, "aliases": [], "speeches": [], "docs": 0,
                  "fields": {}, "roles": [], "mentions": [], "mention_count": 0}
            for iri, (etype, label) in index.entities.items() if etype in _TYPE_RANK}


def _attach_roles(facts, nodes: dict[str, dict], relations) -> None:
    """Each person's roles, by label (kfq:holdsRole, then the role's rdfs:label)."""
    held: dict[str, list[str]] = defaultdict(list)          # role → its holders
    for person, p, role in relations:
        if p == HOLDS_ROLE and person in nodes:
            held[role].append(person)
    if not held:
        return
    for e, _, label in facts.rows("entities"):
        for person in held.get(e, ()):
            nodes[person]["roles"].append(label)


def _sentence_spans(facts, nodes: dict[str, dict], ids: dict[str, str]) -> dict[str, dict[tuple, tuple]]:
    """entity → (speech, sentence start) → (begin, end, sentence text) of its first mention
    in each sentence, offsets relative to the sentence; each node's ``mention_count`` is
    the number of its sentences. (Kept as tuples: only the entities shown get the page's
    dicts, :func:`_finish`; at 10,000 speeches there are half a million mentions.)"""
    sentences = {s: (ids[doc], text, int(sentence_start))
                 for s, doc, text, sentence_start in facts.rows("sentences") if doc in ids}
    per_entity: dict[str, dict[tuple, tuple]] = defaultdict(dict)
    for entity, s, b, e in facts.rows("spans"):
        sentence = sentences.get(s)
        if sentence is None or entity not in nodes:
            continue
        doc, text, sentence_start = sentence
        begin, end = int(b) - sentence_start, int(e) - sentence_start
        if not 0 <= begin <= end <= len(text):
            continue                      # inconsistent offsets: show nothing rather than a wrong mark
        spans, key = per_entity[entity], (doc, sentence_start)
        found = spans.get(key)
        # the first mention in the sentence (the rows come in no set order)
        if found is None or (begin, end) < (found[0], found[1]):
            spans[key] = (begin, end, text)
    for entity, spans in per_entity.items():
        nodes[entity]["mention_count"] = len(spans)
    return per_entity


def _round_robin(keys: list[tuple], limit: int) -> list[tuple]:
    """At most ``limit`` of the sorted (speech, ...) ``keys``: each speech's first, in speech
    order, then each one's second, and so on."""
    by_speech: dict[str, list] = {}
    for key in keys:
        by_speech.setdefault(key[0], []).append(key)
    queues = list(by_speech.values())
    if len(queues) == 1:
        return queues[0][:limit]
    out: list = []
    depth = 0
    while queues and len(out) < limit:
        for q in queues:
            out.append(q[depth])
            if len(out) == limit:
                break
        depth += 1
        queues = [q for q in queues if len(q) > depth]
    return out


# ---------------------------------------------------------------- selecting a part

def select(view: dict, *, max_nodes: int = 300, min_docs: int = 1, types=None, document=None,
           entity=None, depth: int = 1, community: int | None = None, substring: bool = False) -> dict:
    """A part of the view, at most ``max_nodes`` entities:
    - ``entity`` (a label, alias or IRI): that entity and its neighbours up to ``depth``
      relation steps, nearest first;
    - ``document`` (a speech id): the entities that speech mentions;
    - ``community`` (a number from ``kg stats``, 0 = largest): that community's entities;
    - otherwise the entities mentioned by the most speeches, each type getting a fair share
      of the cap (see :func:`fair_share`) so that a type whose entities are each
      mentioned once (targets, people, places) is not crowded out by ties.
    ``types`` and ``min_docs`` filter every kind of selection (the chosen entity itself
    always stays). With ``substring``, an ``entity`` that is no label or alias is looked
    up as a part of labels and aliases (see :func:`find_entities`). Raises LookupError
    for an unknown entity or speech."""
    types = set(types) if types else None
    if document is not None and document not in {d["id"] for d in view["documents"]}:
        raise LookupError(f"no speech with id {document!r}")

    def wanted(n) -> bool:
        return (n["docs"] >= min_docs and (types is None or n["type"] in types)
                and (document is None or document in n["speeches"])
                and (community is None or n.get("community") == community))

    if entity is not None:
        exact, start = find_entities(view, entity)
        if not start or not (exact or substring):
            raise LookupError(f"no entity labelled {entity!r}")
        by_id = {n["id"]: n for n in view["nodes"]}
        ordered = _breadth_first(view["edges"], start, depth)
        keep = [i for i in ordered if i in start or wanted(by_id[i])][:max(max_nodes, len(start))]
    else:
        keep = fair_share([n for n in view["nodes"] if wanted(n)], max_nodes)
    return _subview(view, set(keep))


def fair_share(candidates: list[dict], max_nodes: int) -> list[str]:
    """At most ``max_nodes`` ids: first each type's best ``max_nodes // types`` entities
    (all of a smaller type), then the rest of the cap by speech count, then by number of
    source sentences. Below one per type it is the plain ranking."""
    ranked = sorted(candidates, key=_rank)
    by_type: dict[str, list] = defaultdict(list)
    for n in ranked:
        by_type[n["type"]].append(n["id"])
    share = max_nodes // len(by_type) if by_type else 0
    keep = {i for ids in by_type.values() for i in ids[:share]}
    for n in ranked:
        if len(keep) >= max_nodes:
            break
        keep.add(n["id"])
    return [n["id"] for n in ranked if n["id"] in keep]


def _names(node: dict, name: str) -> bool:
    return name in (node["id"], node["label"]) or name in node["aliases"]


def find_entities(view: dict, name: str) -> tuple[bool, list[str]]:
    """(exact, ids): the entities whose IRI, label or alias is ``name``; if there is none,
    those whose label or an alias contains it (exact is then False), most mentioned first."""
    exact = [n["id"] for n in view["nodes"] if _names(n, name)]
    if exact or not name:
        return True, exact
    return False, [n["id"] for n in sorted(view["nodes"], key=_rank)
                   if name in n["label"] or any(name in a for a in n["aliases"])]


def _breadth_first(edges, start: list[str], depth: int) -> list[str]:
    adjacent: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        adjacent[e["from"]].append(e["to"])
        adjacent[e["to"]].append(e["from"])
    order, seen, frontier = list(start), set(start), list(start)
    for _ in range(max(depth, 0)):
        nxt = []
        for node in frontier:
            for other in sorted(adjacent[node]):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        order += nxt
        frontier = nxt
    return order


def _subview(view: dict, keep: set) -> dict:
    nodes = [n for n in view["nodes"] if n["id"] in keep]
    mentioned = {d for n in nodes for d in n["speeches"]}
    return {"nodes": nodes,
            "edges": [e for e in view["edges"] if e["from"] in keep and e["to"] in keep],
            "documents": [d for d in view["documents"] if d["id"] in mentioned]}


# ---------------------------------------------------------------- writing the page

def layout(view: dict) -> dict | None:
    """Fixed positions for big views (vis's physics would take too long to settle), else
    None (the page lets vis stabilise, then stops the physics)."""
    if len(view["nodes"]) <= LAYOUT_IN_PYTHON_ABOVE:
        return None
    if len(view["nodes"]) > SPRING_LAYOUT_AT_MOST:
        return _sunflower(view)
    import networkx as nx
    g = nx.Graph()
    g.add_edges_from((e["from"], e["to"]) for e in view["edges"] if e["from"] != e["to"])
    linked = [n["id"] for n in view["nodes"] if n["id"] in g]
    unlinked = [n["id"] for n in view["nodes"] if n["id"] not in g]
    pos: dict[str, list] = {}
    if linked:
        g = g.subgraph(linked)
        scale = 40 * len(linked) ** 0.5
        # k above the default (1/sqrt(n)) spreads the linked core
        spring = nx.spring_layout(g, k=3 / len(linked) ** 0.5, seed=LAYOUT_SEED, iterations=30, scale=scale)
        pos = {k: [round(float(x), 1), round(float(y), 1)] for k, (x, y) in spring.items()}
    pos.update(grid_beside(pos, unlinked))
    return pos


def grid_beside(core: dict, ids: list[str]) -> dict:
    """Entities without relations on a compact grid right of the core's bounding box
    (most mentioned first), about as tall as the core, instead of a wide ring around it."""
    import math
    if not ids:
        return {}
    dx, dy = GRID_CELL
    if core:
        xs, ys = [p[0] for p in core.values()], [p[1] for p in core.values()]
        left, top, height = max(xs) + 2 * dx, min(ys), max(ys) - min(ys)
    else:
        left, top, height = 0.0, 0.0, 0.0
    rows = max(1, min(len(ids), max(int(height // dy) + 1, math.ceil(math.sqrt(len(ids) * dx / dy)))))
    return {i: [round(left + (k // rows) * dx, 1), round(top + (k % rows) * dy, 1)] for k, i in enumerate(ids)}


def _sunflower(view: dict) -> dict:
    """An O(n) layout for very large views: communities side by side on a grid, each a
    golden-angle spiral with its most mentioned entities at the centre."""
    import math
    groups: dict[int, list] = {}
    for n in view["nodes"]:                       # nodes come most mentioned first
        groups.setdefault(n.get("community", -1), []).append(n["id"])
    ordered = sorted(groups.values(), key=len, reverse=True)
    columns = max(1, math.ceil(math.sqrt(len(ordered))))
    cell = 30 * math.sqrt(max(len(g) for g in ordered)) + 200
    golden = math.pi * (3 - math.sqrt(5))
    pos = {}
    for i, members in enumerate(ordered):
        cx, cy = (i % columns) * cell, (i // columns) * cell
        for j, node in enumerate(members):
            r = 15 * math.sqrt(j)
            pos[node] = [round(cx + r * math.cos(j * golden), 1), round(cy + r * math.sin(j * golden), 1)]
    return pos


def json_for_script(data) -> str:
    """JSON that is inert inside a <script> element: nothing in it can close the element
    or open a comment (``<``, ``>``, ``&`` escaped), and U+2028/9 are escaped for old
    JavaScript parsers."""
    return (_compact_json(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _compact_json(data) -> str:
    """Compact JSON with sorted keys: orjson's (0.05 s against json's 0.14 s for the page of
    1,000 speeches), json's for what orjson refuses (text with lone surrogates, integers
    past 64 bits, keys that are not strings): the same text either way."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the installed pyvis package (nothing is fetched)."""
    # found, not imported: importing pyvis takes 0.05 s of every build
    from importlib.util import find_spec
    lib = Path(find_spec("pyvis").origin).resolve().parent.joinpath(*VIS_DIR)
    js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    css = (lib / "vis-network.css").read_text(encoding="utf-8")
    # a closing tag inside the library would end the inline element early
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def render_html(view: dict, path, title: str = "kfq-kg") -> str:
    """Write the viewer page for ``view`` to ``path`` atomically (UTF-8); returns the path."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    js, css = vis_assets()
    positions = layout(view)
    payload = {"nodes": view["nodes"], "edges": view["edges"], "documents": view["documents"],
               "types": list(VIEW_TYPES), "colours": TYPE_COLOURS, "typeNames": TYPE_NAMES,
               "relations": RELATION_LABELS, "positions": positions, "grid": list(GRID_CELL),
               "large": len(view["nodes"]) > LARGE_VIEW,
               "stabilisation": STABILISATION_ITERATIONS, "sentenceCap": MAX_SENTENCES_PER_ENTITY}
    html = env.get_template("viewer.html").render(
        title=title, vis_js=Markup(js), vis_css=Markup(css), data=Markup(json_for_script(payload)),
        node_count=len(view["nodes"]), edge_count=len(view["edges"]),
        document_count=len(view["documents"]))
    return _write_atomically(Path(path), html)


def _write_atomically(path: Path, text: str) -> str:
    from kg.graph import atomic_write
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return str(path)
