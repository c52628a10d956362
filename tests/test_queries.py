"""The named query library: every query runs, parameters are bound safely, engines agree."""
import re

import pytest
from click.testing import CliRunner

from kg import api, queries
from kg.cli import main

SPEECH = ("在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业和生物医药产业，深化“放管服”改革。\n"
          "力争2025年营业收入达到500亿元以上。建华市长强调，要学习苏州工业园区的经验。\n")
# a second, different speech: an achieved figure, a program with a target, another zone
OTHER = ("李华主任在东湖开发区工作会议上的讲话\n东湖开发区要发展生物医药产业和电子信息产业。\n"
         "一、过去一年的工作\n去年东湖开发区完成营业收入300亿元，同比增长10%。\n"
         "二、今年的任务\n实施《招商引资三年行动计划》，力争到2026年引进项目50个。李华主任指出，要抓好招商引资。\n")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("q")
    (root / "s.txt").write_text(SPEECH, encoding="utf-8")
    (root / "copy.txt").write_text(SPEECH, encoding="utf-8")
    (root / "other.txt").write_text(OTHER, encoding="utf-8")
    api.build([str(root / "s.txt"), str(root / "copy.txt"), str(root / "other.txt")], str(root / "out"),
              html=False)
    return root / "out"


def test_library_has_documented_queries():
    lib = queries.library()
    assert len(lib) >= 12
    for q in lib.values():
        assert q.question, q.name


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_every_named_query_runs(out, name):
    q = queries.library()[name]
    params = {p: "新能源汽车" for p in q.required()}
    columns, rows = api.query(out, q.text, params)
    assert columns


def test_parameters_filter_and_cannot_inject(out):
    text = queries.library()["targets_by_zone"].text
    _, rows = api.query(out, text, {"zone": "临江高新区"})
    assert rows and all(r[0].value == "临江高新区" for r in rows)
    _, none = api.query(out, text, {"zone": '" } } SELECT * WHERE { ?s ?p ?o } #'})
    assert none == []


def test_speeches_mentioning_finds_the_sentence(out):
    _, rows = api.query(out, queries.library()["speeches_mentioning"].text, {"entity": "放管服"})
    assert {r[0].value for r in rows} == {"s", "copy"}
    assert all("放管服" in r[2].value for r in rows)


def test_engines_agree(out):
    text = queries.library()["speeches_mentioning"].text
    ox_rows = api.query(out, text, {"entity": "新能源汽车"})[1]
    rdf_rows = api.query(out, text, {"entity": "新能源汽车"}, engine="rdflib")[1]
    assert ox_rows
    as_text = lambda rows: sorted(tuple(t.value if t is not None else None for t in r) for r in rows)
    assert as_text(ox_rows) == as_text(rdf_rows)


def test_cli_list_required_and_unknown_params(out):
    r = CliRunner().invoke(main, ["query", "--list"])
    assert "targets_by_zone" in r.output and "--param zone" in r.output
    r = CliRunner().invoke(main, ["query", "--name", "speeches_mentioning", "-g", str(out)])
    assert r.exit_code == 2 and "entity=" in r.output
    r = CliRunner().invoke(main, ["query", "--name", "duplicates", "-g", str(out), "-p", "bogus=1"])
    assert r.exit_code == 2 and "bogus" in r.output
    r = CliRunner().invoke(main, ["query", "--name", "duplicates", "-g", str(out), "--format", "tsv"])
    assert r.output.splitlines()[1].split("\t")[:2] == ["s", "copy"]


def test_label_parameters_are_bound_as_zh_literals():
    lib = queries.library()
    assert lib["speeches_mentioning"].kinds == {"entity": "label"}
    assert lib["co_mentioned_industries"].kinds == {"industry": "label"}
    assert "entity" in lib["speeches_mentioning"].required()
    for name in ("speeches_mentioning", "co_mentioned_industries"):
        assert "STRLANG" not in lib[name].text          # the label index must be usable
    bound = queries.bind_values(lib["speeches_mentioning"].text, {"entity": 'a"b\\c'})
    assert 'VALUES (?entity) { ("a\\"b\\\\c"@zh) }' in bound      # escaped by pyoxigraph, never pasted
    # a label value is a label, whatever it looks like
    assert str(queries.term_for("2025", "label")) == '"2025"@zh'
    assert str(queries.term_for("<urn:x>", "label")) == '"<urn:x>"@zh'
    assert str(queries.term_for("2025")).endswith("XMLSchema#integer>")
    with pytest.raises(ValueError, match="unknown kind"):
        queries.param_kinds("# param x (colour): a colour\nSELECT * WHERE { }")


def test_co_mentioned_industries_by_label_and_alias(out):
    text = queries.library()["co_mentioned_industries"].text
    _, rows = api.query(out, text, {"industry": "新能源汽车"})
    assert [(r[0].value, int(r[1].value)) for r in rows] == [("生物医药", 1)]     # the copy is not counted
    _, rdf_rows = api.query(out, text, {"industry": "新能源汽车"}, engine="rdflib")
    assert [(r[0].value, int(r[1].value)) for r in rdf_rows] == [("生物医药", 1)]
    assert api.query(out, text, {"industry": '新能源汽车" } #'})[1] == []
    # an alias (skos:altLabel) finds the entity in speeches_mentioning
    _, by_alias = api.query(out, queries.library()["speeches_mentioning"].text, {"entity": "新能源汽车产业"})
    assert {r[0].value for r in by_alias} == {"s", "copy"}


def test_ask_on_both_engines(out):
    for engine in ("oxigraph", "rdflib"):
        columns, rows = api.query(out, "ASK { ?s ?p ?o }", engine=engine)
        assert columns == ["ask"] and [[t.value for t in r] for r in rows] == [["true"]], engine
        assert api.results_json(columns, rows) == {"head": {}, "boolean": True}
        no = api.query(out, "ASK { ?s a <urn:nothing> }", engine=engine)
        assert api.results_json(*no) == {"head": {}, "boolean": False}, engine
    # a SELECT whose variable is called ?ask is still a table
    sel = api.query(out, 'SELECT ?ask WHERE { BIND("true" AS ?ask) }')
    assert "results" in api.results_json(*sel)


def test_cli_ask_formats(out):
    import json
    run = lambda *a: CliRunner().invoke(main, ["query", "-g", str(out), *a])
    r = run("ASK { ?s ?p ?o }", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"head": {}, "boolean": True}
    r = run("ASK { ?s a <urn:nothing> }", "--format", "csv")
    assert r.exit_code == 0 and r.output.splitlines() == ["ask", "false"]
    r = run("ASK { ?s ?p ?o }")
    assert r.exit_code == 0 and "true" in r.output.split()


# The plain formulations the library's queries were rewritten from for speed (see each .rq):
# a rewrite must give the same rows.
_P = ("PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
      "PREFIX dcterms: <http://purl.org/dc/terms/>\n")
REFERENCE = {
    "top_entities": _P + """SELECT ?typeName ?label (COUNT(DISTINCT ?doc) AS ?speeches) WHERE {
      ?doc kfq:mentions ?e . ?e a ?t ; rdfs:label ?label .
      FILTER NOT EXISTS { ?doc kfq:duplicateOf ?original }
      BIND(STRAFTER(STR(?t), "#") AS ?typeName)
      FILTER(!BOUND(?type) || ?typeName = STR(?type))
    } GROUP BY ?typeName ?label ORDER BY DESC(?speeches) ?typeName ?label LIMIT 100""",
    "entities_by_type": _P + """SELECT ?type (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?doc) AS ?speeches) WHERE {
      ?doc a kfq:Document ; kfq:mentions ?e . ?e a ?t .
      BIND(STRAFTER(STR(?t), "#") AS ?type)
    } GROUP BY ?type ORDER BY DESC(?entities)""",
    "industries_ranked": _P + """SELECT ?industry (COUNT(DISTINCT ?zone) AS ?zones) (COUNT(DISTINCT ?doc) AS ?speeches) WHERE {
      ?i a kfq:Industry ; rdfs:label ?industry . ?doc kfq:mentions ?i .
      FILTER NOT EXISTS { ?doc kfq:duplicateOf ?original }
      OPTIONAL { ?zone kfq:focusesOn ?i }
    } GROUP BY ?industry ORDER BY DESC(?zones) DESC(?speeches) ?industry""",
    "co_mentioned_industries": "# param industry (label): bound as a @zh literal\n" + _P + """SELECT ?other (COUNT(DISTINCT ?doc) AS ?speeches) WHERE {
      ?i rdfs:label ?industry ; a kfq:Industry . ?doc kfq:mentions ?i .
      FILTER NOT EXISTS { ?doc kfq:duplicateOf ?original }
      ?doc kfq:mentions ?o . ?o a kfq:Industry ; rdfs:label ?other . FILTER(?o != ?i)
    } GROUP BY ?other ORDER BY DESC(?speeches) ?other""",
    "people_roles": _P + """SELECT ?person ?role ?organization (GROUP_CONCAT(DISTINCT ?id; SEPARATOR=" ") AS ?speeches) WHERE {
      ?p a kfq:Person ; rdfs:label ?person . ?doc kfq:mentions ?p ; dcterms:identifier ?id .
      OPTIONAL { ?p kfq:holdsRole ?r . ?r rdfs:label ?role . OPTIONAL { ?r kfq:roleIn/rdfs:label ?organization } }
    } GROUP BY ?person ?role ?organization ORDER BY ?person""",
    "targets_by_zone": _P + """SELECT DISTINCT ?zoneLabel ?target ?indicator ?value ?unit ?amount ?currency ?year WHERE {
      ?t a kfq:Target ; rdfs:label ?target .
      OPTIONAL { ?t kfq:targetOf ?z . ?z a kfq:Zone ; rdfs:label ?zl . }
      BIND(COALESCE(STR(?zl), "") AS ?zoneLabel)
      OPTIONAL { ?t kfq:indicator ?indicator } OPTIONAL { ?t kfq:valueText ?value }
      OPTIONAL { ?t kfq:unit ?unit } OPTIONAL { ?t kfq:amount ?amount }
      OPTIONAL { ?t kfq:currency ?currency } OPTIONAL { ?t kfq:year ?y }
      BIND(COALESCE(?y, "") AS ?year)
      FILTER(!BOUND(?zone) || ?zoneLabel = STR(?zone))
      FILTER(!BOUND(?inYear) || STR(?year) = STR(?inYear))
    } ORDER BY ?zoneLabel DESC(?amount) ?target""",
    "targets_of_program": _P + """SELECT ?programLabel ?target ?value ?unit ?year WHERE {
      ?t a kfq:Target ; rdfs:label ?target ; kfq:targetOf ?p . ?p a kfq:Program ; rdfs:label ?pl .
      BIND(STR(?pl) AS ?programLabel)
      FILTER(!BOUND(?program) || ?programLabel = STR(?program))
      OPTIONAL { ?t kfq:valueText ?value } OPTIONAL { ?t kfq:unit ?unit } OPTIONAL { ?t kfq:year ?year }
    } ORDER BY ?programLabel ?target""",
    "achieved_figures": _P + """SELECT ?speech ?figure ?indicatorText ?value ?unit ?amount WHERE {
      ?m a kfq:Metric ; rdfs:label ?figure . ?doc kfq:mentions ?m ; dcterms:identifier ?speech .
      OPTIONAL { ?m kfq:indicator ?ind } BIND(COALESCE(?ind, "") AS ?indicatorText)
      OPTIONAL { ?m kfq:valueText ?value } OPTIONAL { ?m kfq:unit ?unit } OPTIONAL { ?m kfq:amount ?amount }
      FILTER(!BOUND(?indicator) || CONTAINS(?indicatorText, STR(?indicator)))
    } ORDER BY ?speech ?figure""",
    "speakers": _P + """SELECT ?speech ?title ?speakerRole WHERE {
      ?doc a kfq:Document ; dcterms:identifier ?speech .
      OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc kfq:speakerRole/rdfs:label ?speakerRole }
    } ORDER BY ?speech""",
}
PARAMS = {
    "top_entities": [{}, {"type": "Zone"}, {"type": "Industry"}, {"type": "Metric"}, {"type": "Nothing"}],
    "co_mentioned_industries": [{"industry": "新能源汽车"}, {"industry": "生物医药"}],
    "targets_by_zone": [{}, {"zone": "临江高新区"}, {"zone": "东湖开发区"}, {"inYear": "2025"}, {"inYear": "2026"}],
    "targets_of_program": [{}, {"program": "招商引资三年行动计划"}, {"program": "没有"}],
    "achieved_figures": [{}, {"indicator": "营业收入"}, {"indicator": "没有"}],
}


def _as_text(rows):
    return [tuple(t.value if t is not None else None for t in r) for r in rows]


# GROUP_CONCAT columns: their order inside a cell is up to the engine
CONCATENATED = {"people_roles": (3, " "), "programs_per_zone": (1, "、"), "zones_by_place": (1, "、")}


def _cells_sorted(name, rows):
    if name not in CONCATENATED:
        return rows
    col, sep = CONCATENATED[name]
    return [r[:col] + (sep.join(sorted((r[col] or "").split(sep))),) + r[col + 1:] for r in rows]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_rewritten_queries_give_the_plain_formulations_rows(out, name):
    text = queries.library()[name].text
    some = False
    for params in PARAMS.get(name, [{}]):
        for engine in ("oxigraph", "rdflib"):
            got = _as_text(api.query(out, text, params, engine=engine)[1])
            want = _as_text(api.query(out, REFERENCE[name], params, engine=engine)[1])
            assert sorted(got, key=repr) == sorted(want, key=repr), (name, params, engine)
            some = some or bool(got)
    assert some, name                 # the fixture exercises the query


@pytest.mark.parametrize("name", sorted(queries.library()))
def test_every_named_query_agrees_across_engines(out, name):
    q = queries.library()[name]
    for params in PARAMS.get(name, [{p: "新能源汽车" for p in q.required()}]):
        ox_rows = _cells_sorted(name, _as_text(api.query(out, q.text, params)[1]))
        rdf_rows = _cells_sorted(name, _as_text(api.query(out, q.text, params, engine="rdflib")[1]))
        assert sorted(ox_rows, key=repr) == sorted(rdf_rows, key=repr), (name, params)


def test_the_fixture_has_every_kind_of_row(out):
    lib = queries.library()
    types = {r[0].value for r in api.query(out, lib["entities_by_type"].text)[1]}
    assert {"Zone", "Industry", "Program", "Target", "Metric", "Person", "Role"} <= types
    assert api.query(out, lib["achieved_figures"].text)[1]
    assert api.query(out, lib["targets_of_program"].text)[1]


def test_entities_by_type_lists_every_entity_class():
    """entities_by_type scans the subclasses of kfq:Entity only (a UNION of one pattern a
    class): it must name every one the ontology has."""
    import rdflib
    from kg.validate import ontology_dir
    g = rdflib.Graph().parse(ontology_dir() / "kfq.ttl")
    kfq = rdflib.Namespace("https://w3id.org/kfq-kg/ontology#")
    classes = {str(c).rsplit("#", 1)[1] for c in g.transitive_subjects(rdflib.RDFS.subClassOf, kfq.Entity)
               if c != kfq.Entity}
    text = queries.library()["entities_by_type"].text
    listed = set(re.findall(r"\?e a kfq:(\w+)", text))
    assert listed == classes


def test_pages_of_a_result_put_together_are_the_whole_result(out):
    text = queries.library()["entities_by_type"].text
    columns, everything = api.query(out, text)
    assert len(everything) >= 5
    pages, offset = [], 0
    while True:
        _, page = api.query(out, text, limit=2, offset=offset)
        pages += page
        offset += len(page)
        if not page.more:
            break
    assert [[t.value for t in r] for r in pages] == [[t.value for t in r] for r in everything]
    _, last = api.query(out, text, limit=len(everything))
    assert not last.more and len(last) == len(everything)
    _, past_the_end = api.query(out, text, limit=3, offset=len(everything))
    assert list(past_the_end) == [] and not past_the_end.more
    with pytest.raises(ValueError):
        api.query(out, text, limit=-1)


def test_cli_pages_say_where_the_next_one_starts(out):
    run = lambda *a: CliRunner().invoke(main, ["query", "--name", "entities_by_type", "-g", str(out), *a])
    whole = run("--format", "csv").stdout.splitlines()
    page = run("--limit", "2", "--offset", "1")
    assert page.exit_code == 0, page.output
    assert "(2 rows)" in page.output and "--offset 3 for the next page" in page.output
    csv_page = CliRunner().invoke(
        main, ["query", "--name", "entities_by_type", "-g", str(out), "--format", "csv", "--limit", "2", "--offset", "1"])
    assert csv_page.stdout.splitlines() == [whole[0]] + whole[2:4]      # the header, then rows 2 and 3
    assert "--offset 3" in csv_page.stderr
    assert run("--limit", "-1").exit_code == 2


def test_a_query_naming_graphs_reads_the_speeches_graphs_and_one_without_reads_their_union(out):
    per_graph = """PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a kfq:Document } } GROUP BY ?g"""
    _, rows = api.query(out, per_graph)
    assert len(rows) == 3 and all(int(r[1].value) == 1 for r in rows)   # one graph per speech
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/kfq-kg/ontology#Document> }"
    assert int(api.query(out, union)[1][0][0].value) == 3
    from_graph = f"SELECT ?s WHERE {{ ?s a <https://w3id.org/kfq-kg/ontology#Document> }}"
    _, named = api.query(out, from_graph.replace("WHERE", f"FROM <{rows[0][0].value}> WHERE"))
    assert len(named) == 1                           # FROM: that speech's graph as the default


def test_only_graph_and_from_send_a_query_to_the_named_graphs():
    assert api.reads_named_graphs("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    assert api.reads_named_graphs("select * from named <http://x/g> { graph ?g { ?s ?p ?o } }")
    assert not api.reads_named_graphs('SELECT * { ?s <http://x/graph> "from" } # from every graph')
    assert not api.reads_named_graphs("SELECT ?graph WHERE { ?graph <http://x/p> ex:from }")
    assert api.reads_named_graphs("SELECT * { \\u0047RAPH ?g { ?s ?p ?o } }")      # \u0047 is G
    assert not any(api.reads_named_graphs(q.text) for q in queries.library().values())
