"""Graph analytics over a networkx projection of the knowledge graph.

Entities become nodes (type, label, number of speeches, copies not counted); the typed
relations become edges (``relation`` attribute); two entities named in the same speeches
get a ``co_mention`` edge weighted by that number of speeches (from a threshold). PageRank
over the weighted projection ranks what is central; Louvain finds groups.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx

PREFIXES = """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
ENTITY_QUERY = PREFIXES + """SELECT ?e ?type ?label ?doc ?copy WHERE {
  ?doc a kfq:Document ; kfq:mentions ?e . ?e a ?type ; rdfs:label ?label .
  FILTER(STRSTARTS(STR(?type), STR(kfq:)))
  OPTIONAL { ?doc kfq:duplicateOf ?original BIND(true AS ?copy) }
}"""
RELATION_QUERY = PREFIXES + """SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?p { kfq:focusesOn kfq:hasProgram kfq:targetOf kfq:holdsRole kfq:roleIn kfq:locatedIn }
  ?s ?p ?o }"""
CO_MENTION_THRESHOLD = 2
CO_MENTION_TYPES = {"Zone", "Industry", "Program", "Organization", "Place", "Person", "Role"}


def projection(source, co_mention_threshold: int = CO_MENTION_THRESHOLD) -> nx.MultiDiGraph:
    """The knowledge graph as a networkx MultiDiGraph (see the module docstring)."""
    from kg.api import open_store
    store = open_store(source)
    g = nx.MultiDiGraph()
    speeches: dict[str, set] = defaultdict(set)
    for r in store.query(ENTITY_QUERY):
        e = r["e"].value
        if e not in g:
            g.add_node(e, type=r["type"].value.rsplit("#", 1)[-1], label=r["label"].value, speeches=0)
        if r["copy"] is None:
            speeches[r["doc"].value].add(e)
    counts = Counter(e for ents in speeches.values() for e in ents)
    for e in g:
        g.nodes[e]["speeches"] = counts.get(e, 0)
    for r in store.query(RELATION_QUERY):
        s, o = r["s"].value, r["o"].value
        if s in g and o in g:
            g.add_edge(s, o, key=r["p"].value.rsplit("#", 1)[-1], relation=r["p"].value.rsplit("#", 1)[-1], weight=1)
    pairs = Counter()
    for ents in speeches.values():
        kept = sorted(e for e in ents if g.nodes[e]["type"] in CO_MENTION_TYPES)
        pairs.update(combinations(kept, 2))
    for (a, b), n in pairs.items():
        if n >= co_mention_threshold:
            g.add_edge(a, b, key="co_mention", relation="co_mention", weight=n)
    return g


def weighted_undirected(g: nx.MultiDiGraph) -> nx.Graph:
    u = nx.Graph()
    u.add_nodes_from(g.nodes(data=True))
    for a, b, data in g.edges(data=True):
        w = data.get("weight", 1)
        u.add_edge(a, b, weight=u.get_edge_data(a, b, {}).get("weight", 0) + w)
    return u


def central(g: nx.MultiDiGraph, top: int = 5) -> dict[str, list[tuple[str, float]]]:
    """The ``top`` entities of each type by PageRank over the weighted projection."""
    u = weighted_undirected(g)
    rank = nx.pagerank(u, weight="weight") if u.number_of_edges() else {n: 0.0 for n in u}
    by_type: dict[str, list] = defaultdict(list)
    for node, score in sorted(rank.items(), key=lambda kv: (-kv[1], g.nodes[kv[0]]["label"])):
        t = g.nodes[node]["type"]
        if len(by_type[t]) < top:
            by_type[t].append((g.nodes[node]["label"], round(score, 4)))
    return dict(by_type)


def communities(g: nx.MultiDiGraph, top: int = 5, seed: int = 7) -> list[dict]:
    """Louvain communities (largest first), each with its most central members."""
    u = weighted_undirected(g)
    u.remove_nodes_from([n for n in list(u) if u.degree(n) == 0])
    if u.number_of_edges() == 0:
        return []
    groups = nx.community.louvain_communities(u, weight="weight", seed=seed)
    rank = nx.pagerank(u, weight="weight")
    result = []
    for members in sorted(groups, key=lambda c: (-len(c), min(g.nodes[n]["label"] for n in c))):
        ordered = sorted(members, key=lambda n: (-rank[n], g.nodes[n]["label"]))
        result.append({"size": len(members), "members": list(ordered),
                       "central": [g.nodes[n]["label"] for n in ordered[:top]]})
    return result


def community_of(g: nx.MultiDiGraph, seed: int = 7) -> dict[str, int]:
    """Node → community number (0 = largest), for colouring a view."""
    return {n: i for i, c in enumerate(communities(g, seed=seed)) for n in c["members"]}
