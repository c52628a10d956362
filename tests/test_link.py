from kg.link import entity_iri, fold, link
from kg.model import Document, Extraction, Mention, Relation


def ex(doc_id, mentions, relations=()):
    doc = Document(id=doc_id, source=doc_id, title="", text="")
    return Extraction(document=doc, sentences=[], mentions=mentions, relations=list(relations))


def m(doc_id, etype, label, **attrs):
    return Mention(doc_id, etype, label, label, 0, len(label), 0, attrs)


def test_fold_removes_marks_and_placeholders():
    assert fold("“放管服”改革") == "放管服改革"
    assert fold("__开发区") == fold("xx开发区") == "X开发区".lower()


def test_places_merge_by_canonical_name():
    a = ex("a", [m("a", "Place", "吉林省", canonical="吉林")])
    b = ex("b", [m("b", "Place", "吉林", canonical="吉林")])
    ents = link([a, b])
    assert ents[("Place", "吉林省")] is ents[("Place", "吉林")]
    assert ents[("Place", "吉林")].documents == {"a", "b"}
    assert "吉林省" in ents[("Place", "吉林")].alt_labels


def test_program_alias_becomes_alt_label():
    ents = link([ex("a", [m("a", "Program", "放管服", alias="放管服改革")])])
    assert ents[("Program", "放管服")].alt_labels == {"放管服改革"}


def test_iri_is_stable_when_documents_are_added():
    first = link([ex("a", [m("a", "Zone", "青川经济技术开发区")])])
    more = link([ex("b", [m("b", "Zone", "临江高新区")]), ex("a", [m("a", "Zone", "青川经济技术开发区")])])
    key = ("Zone", "青川经济技术开发区")
    assert first[key].iri == more[key].iri == entity_iri("Zone", fold("青川经济技术开发区"))


def test_relation_endpoints_get_entities():
    rel = Relation("a", ("Person", "建华"), "holdsRole", ("Role", "市长"))
    ents = link([ex("a", [m("a", "Person", "建华", role="市长")], [rel])])
    assert ents[("Role", "市长")].type == "Role"
    assert ents[("Person", "建华")].attrs["role"] == "市长"


def test_anonymised_zones_of_different_speeches_stay_apart():
    a = ex("a", [m("a", "Zone", "X开发区")])
    b = ex("b", [m("b", "Zone", "__开发区")])
    ents = link([a, b])
    assert ents[("Zone", "X开发区")].iri != ents[("Zone", "__开发区")].iri


def test_one_anonymised_name_in_two_speeches_is_each_speech_s_own_entity():
    a = ex("a", [m("a", "Zone", "X开发区")])
    b = ex("b", [m("b", "Zone", "X开发区")])
    ents = link([a, b])
    assert ents.in_speech("a", ("Zone", "X开发区")).iri != ents.in_speech("b", ("Zone", "X开发区")).iri
    assert ents.in_speech("a", ("Zone", "X开发区")).documents == {"a"}


def test_each_speech_s_graph_names_its_own_anonymised_zone():
    from kg.graph import build_quads, document_iri
    exs = [ex("a", [m("a", "Zone", "X开发区")]), ex("b", [m("b", "Zone", "X开发区")])]
    named = {}
    for q in build_quads(exs, link(exs)):
        if q.predicate.value.endswith("#mentions"):
            named[q.graph_name.value] = q.object.value
    assert named[document_iri("a")] != named[document_iri("b")]


def test_a_name_written_for_another_body_is_that_body_in_its_speech_alone():
    """党工委（管委会）: this 管委会 is the 党工委; a plain 管委会 in the same speech, and in
    any other speech, is the 管委会 — whichever speech comes first."""
    a = ex("a", [m("a", "Organization", "党工委"), m("a", "Organization", "管委会", canonical="党工委"),
                 m("a", "Organization", "管委会")])
    b = ex("b", [m("b", "Organization", "管委会")])
    ents = link([b, a])
    party, committee = ents[("Organization", "党工委")], ents[("Organization", "管委会")]
    assert party is not committee and committee.label == "管委会"
    assert ents.of_mentions("a") == [party, party, committee]
    assert ents.of_mentions("b") == [committee]
    assert ents.in_speech("a", ("Organization", "管委会")) is party      # this speech's relations
    assert ents.in_speech("b", ("Organization", "管委会")) is committee
    assert "管委会" in party.alt_labels


def test_what_a_speech_names_does_not_depend_on_the_speeches_after_it():
    a = ex("a", [m("a", "Organization", "管委会", canonical="党工委")])
    b = ex("b", [m("b", "Organization", "管委会")])
    alone, both = link([a]), link([a, b])
    assert [e.iri for e in alone.of_mentions("a")] == [e.iri for e in both.of_mentions("a")]
    assert both[("Organization", "管委会")].label == "管委会"             # the name's own entity
