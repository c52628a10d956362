"""The named query library: every query runs, parameters are bound safely, engines agree."""
import pytest
from click.testing import CliRunner

from kg import api, queries
from kg.cli import main

SPEECH = ("在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业和生物医药产业，深化“放管服”改革。\n"
          "力争2025年营业收入达到500亿元以上。建华市长强调，要学习苏州工业园区的经验。\n")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("q")
    (root / "s.txt").write_text(SPEECH, encoding="utf-8")
    (root / "copy.txt").write_text(SPEECH, encoding="utf-8")
    api.build([str(root / "s.txt"), str(root / "copy.txt")], str(root / "out"), html=False)
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
