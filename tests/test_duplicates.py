"""Exact and near-duplicate speeches: found, linked, and not counted twice."""
from kg import api
from kg.duplicates import find_duplicates
from kg.model import Document

BASE = ("同志们：今年是园区加快转型的关键一年。临江高新区要坚持创新驱动，做强新能源汽车和生物医药两大产业，"
        "力争营业收入突破五百亿元。要深化放管服改革，优化营商环境，推进一区多园建设。要抓好招商引资，"
        "引进一批投资十亿元以上的龙头项目。要加强干部队伍建设，营造干事创业的良好氛围。") * 3
OTHER = ("同志们：综合保税区建设进入攻坚阶段。要加快海关监管设施建设，发展保税物流和跨境电商，"
         "确保年内封关运作。要完善招商政策，吸引加工贸易企业入区，带动外贸进出口稳定增长。") * 3


def doc(doc_id, text):
    return Document(id=doc_id, source=f"{doc_id}.txt", title="讲话", text=text)


def test_exact_near_and_unrelated():
    cut = BASE[: len(BASE) * 2 // 3] + "更新时间：2024-01-01 来源：范文网"
    docs = [doc("c_copy", BASE), doc("a_orig", BASE), doc("b_cut", cut), doc("d_other", OTHER)]
    dups = {d.document: (d.original, d.similarity) for d in find_duplicates(docs)}
    assert dups["c_copy"] == ("a_orig", 1.0)
    assert dups["b_cut"][0] == "a_orig"
    assert "d_other" not in dups and "a_orig" not in dups


def test_result_does_not_depend_on_order():
    docs = [doc("x", BASE), doc("y", BASE + "。补充一句。"), doc("z", OTHER)]
    assert find_duplicates(docs) == find_duplicates(list(reversed(docs)))


def test_duplicates_in_graph_and_stats(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("在高新区大会上的讲话\n" + BASE, encoding="utf-8")
    (src / "b.txt").write_text("在高新区大会上的讲话\n" + BASE, encoding="utf-8")
    report = api.build([str(src)], str(tmp_path / "out"), html=False)
    assert [(d.document, d.original) for d in report.duplicates] == [("b", "a")]
    s = api.stats(tmp_path / "out")
    assert s["duplicates"] == [("b", "a", 1.0)]
    assert s["types"]["Zone"]["speeches"] == 1          # the copy is not a second speech


def test_signatures_are_kept_between_builds(tmp_path, monkeypatch):
    """A rebuild hashes only the speeches it has not seen, and finds the same copies."""
    from kg import duplicates
    cut = BASE[: len(BASE) * 2 // 3]
    docs = [doc("a_orig", BASE), doc("b_cut", cut), doc("d_other", OTHER)]
    first = find_duplicates(docs, cache_dir=tmp_path)
    hashed = []
    real = duplicates._minhash
    monkeypatch.setattr(duplicates, "_minhash", lambda text: hashed.append(text) or real(text))
    added = doc("e_new", OTHER.replace("综合保税区", "出口加工区") + "另起一段，讲讲人才工作。" * 20)
    again = find_duplicates(docs + [added], cache_dir=tmp_path)
    assert len(hashed) == 1                       # only the new speech
    assert [d for d in again if d.document != "e_new"] == first
    (tmp_path / duplicates.SIGNATURES_FILE).write_bytes(b"broken")
    assert find_duplicates(docs, cache_dir=tmp_path) == first     # an unreadable cache is rebuilt


def test_a_full_build_hashes_every_speech_again(tmp_path, monkeypatch):
    """--full reads none of the last build's signatures (a stale or damaged cache cannot
    survive it), and keeps its own for the next build."""
    from kg import duplicates
    src = tmp_path / "in"
    src.mkdir()
    for name, text in (("a", BASE), ("b", BASE + "补充一句。"), ("c", OTHER)):
        (src / f"{name}.txt").write_text("在高新区大会上的讲话\n" + text, encoding="utf-8")
    out = tmp_path / "out"
    first = api.build([str(src)], str(out), html=False).duplicates
    hashed = []
    real = duplicates._minhash
    monkeypatch.setattr(duplicates, "_minhash", lambda text: hashed.append(text) or real(text))
    (src / "c.txt").write_text("在高新区大会上的讲话\n" + OTHER + "再补充一句。", encoding="utf-8")
    assert api.build([str(src)], str(out), html=False).duplicates == first
    assert len(hashed) == 1                                  # only the changed speech
    hashed.clear()
    assert api.build([str(src)], str(out), html=False, full=True).duplicates == first
    assert len(hashed) == 3                                  # every speech
    hashed.clear()
    (src / "c.txt").write_text("在高新区大会上的讲话\n" + OTHER, encoding="utf-8")
    api.build([str(src)], str(out), html=False)
    assert len(hashed) == 1                                  # the full build's were kept


def test_minhash_estimates_the_jaccard_index():
    """The hand-written MinHash: its estimate is near the true Jaccard index of the
    speeches' shingle sets, from unrelated to nearly the same."""
    from kg.duplicates import SHINGLE, _minhash
    import numpy as np

    def shingles(text):
        return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}

    whole = BASE + OTHER
    for cut in (0, len(BASE) // 3, len(BASE) // 2, len(BASE)):
        a, b = BASE, whole[cut:cut + len(BASE)]
        true = len(shingles(a) & shingles(b)) / len(shingles(a) | shingles(b))
        (sig_a, size_a), (sig_b, _) = _minhash(a), _minhash(b)
        assert size_a == len(shingles(a))
        assert abs(float(np.mean(sig_a == sig_b)) - true) < 0.15, (cut, true)


def test_short_and_huge_contents_are_hashed():
    from kg.duplicates import _minhash
    assert _minhash("园区")[1] == 1
    import random
    pick = random.Random(0).randrange
    huge = "".join(chr(0x4E00 + pick(20000)) for _ in range(300_000))
    signature, size = _minhash(huge)
    assert size > 290_000 and len(signature) == 128
