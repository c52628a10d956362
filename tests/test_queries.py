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
