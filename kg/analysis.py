"""Graph analytics over a networkx projection of the knowledge graph.

Entities become nodes (type, label, number of speeches, copies not counted); the typed
relations become edges (``relation`` attribute); two entities named in the same speeches
get a ``co_mention`` edge weighted by that number of speeches (from a threshold). PageRank
over the weighted projection ranks what is central; Leiden finds groups.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from kg.page_facts import KFQ

if TYPE_CHECKING:
    import networkx as nx

# typed things that are not entities; the entity types, who mentions what and the speeches
# (kg.page_facts) are plain scans joined in Python: one query joining them (with the type
# filter and the copy test per row) took 6 s at 1,000 speeches
NOT_ENTITIES = frozenset(KFQ + t for t in ("Document", "Mention", "Sentence", "Duplication"))
CO_MENTION_THRESHOLD = 2
CO_MENTION_TYPES = {"Zone", "Industry", "Program", "Organization", "Place", "Person", "Role"}


@dataclass
class MentionIndex:
    """Who mentions what, read once from a store: ``entities`` IRI → (type name, label)
    (the smallest label if a graph gives more), ``mentions`` speech IRI → entity IRIs,
    ``ids`` speech IRI → identifier, ``copies`` the speeches that are kfq:duplicateOf
    another, ``documents`` every kfq:Document."""
    entities: dict[str, tuple[str, str]] = field(default_factory=dict)
    mentions: dict[str, set[str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    copies: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    def originals(self):
        """(speech IRI, entity IRIs) of the speeches that are not copies."""
        return ((d, ents) for d, ents in self.mentions.items() if d not in self.copies)


def mention_index(source) -> MentionIndex:
    """The index of ``source``: a folder, a graph file, a store, or its page facts."""
    from kg.page_facts import open_facts
    facts = open_facts(source)
    index = MentionIndex()
    for e, etype, label in facts.rows("entities"):
        if not etype.startswith(KFQ) or etype in NOT_ENTITIES:
            continue
        known = index.entities.get(e)
        if known is None or label < known[1]:
            index.entities[e] = (etype.rsplit("#", 1)[-1], label)
    for doc, e in facts.rows("mentions"):
        index.mentions.setdefault(doc, set()).add(e)
    for doc, doc_id, copy in facts.rows("documents"):
        index.documents.add(doc)
        if doc_id is not None:
            index.ids[doc] = min(index.ids.get(doc, doc_id), doc_id)
        if copy is not None:
            index.copies.add(doc)
    return index


def projection(source, co_mention_threshold: int = CO_MENTION_THRESHOLD, index=None) -> nx.MultiDiGraph:
    """The knowledge graph as a networkx MultiDiGraph (see the module docstring); pass the
    store's ``index`` (:func:`mention_index`) if you have it already."""
    import networkx as nx
    nodes, edges = projection_lists(source, co_mention_threshold, index)
    g = nx.MultiDiGraph()
    g.add_nodes_from(nodes.items())
    for a, b, relation, weight in edges:
        g.add_edge(a, b, key=relation, relation=relation, weight=weight)
    return g


def projection_lists(source, co_mention_threshold: int = CO_MENTION_THRESHOLD,
                     index=None) -> tuple[dict[str, dict], list[tuple[str, str, str, int]]]:
    """The projection as plain data: (entity IRI → its attributes, the edges as (from, to,
    relation, weight)); what :func:`projection` makes its graph of, and what a build's
    page reads without one (networkx's import and graph took 0.15 s of adding a speech to
    1,000)."""
    from kg.page_facts import open_facts
    facts = open_facts(source)
    index = index or mention_index(facts)
    # nodes and edges go in sorted: Leiden's result (the pages' colours) depends on the
    # order, which sets of strings would make differ from one process to the next
    counts = Counter(e for _, ents in index.originals() for e in ents)
    nodes = {}
    for e in sorted({e for ents in index.mentions.values() for e in ents if e in index.entities}):
        etype, label = index.entities[e]
        nodes[e] = {"type": etype, "label": label, "speeches": counts.get(e, 0)}
    relations = sorted({(s, p.rsplit("#", 1)[-1], o) for s, p, o in facts.rows("relations")})
    edges = [(s, o, relation, 1) for s, relation, o in relations if s in nodes and o in nodes]
    edges += [(a, b, "co_mention", n)
              for (a, b), n in sorted(_co_mentions(nodes, index, counts, co_mention_threshold).items())]
    return nodes, edges


def _co_mentions(nodes: dict, index: MentionIndex, counts: Counter, threshold: int) -> Counter:
    """Pairs of entities named together in at least ``threshold`` speeches. An entity named
    in fewer speeches than that cannot be in such a pair, so it is left out before pairing
    (pairing is quadratic in the entities of a speech)."""
    pairs = Counter()
    for _, ents in index.originals():
        kept = sorted(e for e in ents if e in nodes and counts[e] >= threshold
                      and nodes[e]["type"] in CO_MENTION_TYPES)
        pairs.update(combinations(kept, 2))
    return Counter({pair: n for pair, n in pairs.items() if n >= threshold})


def weighted_undirected(g: nx.MultiDiGraph) -> nx.Graph:
    import networkx as nx
    u = nx.Graph()
    u.add_nodes_from(g.nodes(data=True))
    for a, b, data in g.edges(data=True):
        w = data.get("weight", 1)
        u.add_edge(a, b, weight=u.get_edge_data(a, b, {}).get("weight", 0) + w)
    return u


def central(g: nx.MultiDiGraph, top: int = 5) -> dict[str, list[tuple[str, float]]]:
    """The ``top`` entities of each type by PageRank over the weighted projection."""
    import networkx as nx
    u = weighted_undirected(g)
    rank = nx.pagerank(u, weight="weight") if u.number_of_edges() else {n: 0.0 for n in u}
    by_type: dict[str, list] = defaultdict(list)
    for node, score in sorted(rank.items(), key=lambda kv: (-kv[1], g.nodes[kv[0]]["label"])):
        t = g.nodes[node]["type"]
        if len(by_type[t]) < top:
            by_type[t].append((g.nodes[node]["label"], round(score, 4)))
    return dict(by_type)


def _groups(nodes: list[str], edges, label, seed: int) -> list[set]:
    """The communities of a projection (its entities in order, its edges as (from, to,
    weight), ``label`` an entity's label), largest first; isolated entities belong to
    none. Found by Leiden (Louvain's successor, whose communities are always connected) in
    graspologic-native (Rust, MIT-licensed): networkx's Louvain (pure Python) took 1.9 s
    of every build at 10,000 speeches, this 0.7 s, 0.07 s at 1,000, with a modularity as
    high (10,000 speeches: 0.514 against 0.510; 1,000: 0.422 against 0.422). Its generator
    is seeded with ``seed``, and it is given the pairs of entities in one order whatever
    order the edges came in: the same projection gives the same communities in any process
    and from either form (kg stats numbers them as kg viz --community does)."""
    import graspologic_native
    position = {node: i for i, node in enumerate(nodes)}
    pairs: dict[tuple[int, int], float] = {}
    for a, b, w in edges:
        pair = (position[a], position[b]) if position[a] <= position[b] else (position[b], position[a])
        pairs[pair] = pairs.get(pair, 0) + w
    if not pairs:
        return []
    _, community = graspologic_native.leiden(
        [(str(a), str(b), float(pairs[a, b])) for a, b in sorted(pairs)], seed=seed)
    groups: dict[int, set] = {}
    for node, number in community.items():
        groups.setdefault(number, set()).add(nodes[int(node)])
    # largest first, then by the first label; equal labels (three zones all written ××开发区)
    # by the entity: leiden's numbers come in a hash order that differs between runs
    return sorted(groups.values(), key=lambda c: (-len(c), min((label(n), n) for n in c)))


def _graph_groups(g: nx.MultiDiGraph, seed: int) -> list[set]:
    return _groups(list(g), g.edges(data="weight", default=1), lambda n: g.nodes[n]["label"], seed)


def communities(g: nx.MultiDiGraph, top: int = 5, seed: int = 7) -> list[dict]:
    """The communities (Leiden; largest first), each with its most central members
    (PageRank over the entities that have an edge)."""
    import networkx as nx
    groups = _graph_groups(g, seed)
    if not groups:
        return []
    u = weighted_undirected(g)
    u.remove_nodes_from([n for n in list(u) if u.degree(n) == 0])
    rank = nx.pagerank(u, weight="weight")
    result = []
    for members in groups:
        ordered = sorted(members, key=lambda n: (-rank[n], g.nodes[n]["label"]))
        result.append({"size": len(members), "members": list(ordered),
                       "central": [g.nodes[n]["label"] for n in ordered[:top]]})
    return result


def community_of(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, int]:
    """Node → community number (0 = largest), for colouring a view (no ranking needed)."""
    return _numbered(_graph_groups(g, seed))


def community_of_lists(nodes: dict[str, dict], edges, seed: int = 7) -> dict[str, int]:
    """:func:`community_of` from :func:`projection_lists`' data, without a networkx graph."""
    return _numbered(_groups(list(nodes), ((a, b, w) for a, b, _, w in edges),
                             lambda n: nodes[n]["label"], seed))


def _numbered(groups: list[set]) -> dict[str, int]:
    return {n: i for i, members in enumerate(groups) for n in members}
