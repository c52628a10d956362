"""Targets (goals) and metrics (achieved figures) on sentences written for these tests."""
from kg.clean import split_sentences
from kg.extract.target import extract_targets, parse_number
from kg.model import Document


def figures(text):
    doc = Document(id="t", source="t.txt", title="", text=text)
    found = extract_targets(doc, split_sentences(doc))
    for m in found:
        assert doc.text[m.start:m.end] == m.surface
    return found


def by_type(text, etype):
    return [m for m in figures(text) if m.type == etype]


def test_goal_with_amount_and_rate_gives_two_targets():
    found = by_type("今年全区力争完成外贸进出口额50亿美元，增长10%。", "Target")
    assert {(m.attrs["value"], m.attrs["unit"]) for m in found} == {("50", "亿美元"), ("10", "%")}
    money = next(m for m in found if m.attrs["unit"] == "亿美元")
    assert money.attrs["amount"] == 5e9 and money.attrs["currency"] == "USD"
    assert money.attrs["indicator"] == "外贸进出口额"


def test_achieved_figures_are_metrics():
    text = "2023年，园区完成营业收入420亿元，同比增长12.5%。全省共有各类开发区86家。"
    assert by_type(text, "Target") == []
    assert len(by_type(text, "Metric")) == 3


def test_year_qualifier_and_magnitude_units():
    [t] = by_type("到2025年，确保稳定就业人数达到3.8万人以上。", "Target")
    assert t.attrs["year"] == 2025
    assert (t.attrs["value"], t.attrs["unit"], t.attrs["qualifier"]) == ("3.8", "万人", "以上")


def test_ge_yi_is_a_unit_and_clause_cue_beats_sentence_cue():
    found = by_type("去年已经投入1个亿修路，今年又将筹资2.5个亿建设标准厂房。", "Target")
    assert [(m.attrs["value"], m.attrs["unit"]) for m in found] == [("2.5", "亿")]


def test_placeholder_value_is_kept_as_none():
    [t] = by_type("全年力争园区税收收入增长**%以上。", "Target")
    assert t.attrs.get("value") is None and t.attrs["unit"] == "%"


def test_rank_and_grade_goals():
    found = by_type("力争进入全省园区综合考核前三位，争创国家级高新区。", "Target")
    values = {m.attrs.get("value") for m in found}
    assert "三" in values and len(found) == 2


def test_counting_words_and_names_are_not_figures():
    text = "要树牢四个意识，落实招商12条措施，推进50万元以上项目。"
    assert figures(text) == []


def test_chinese_numerals_read():
    assert parse_number("两") == 2 and parse_number("十五") == 15 and parse_number("1,200") == 1200
    assert parse_number("**") is None


REPORT = ("同志们：\n"
          "一、回顾过去一年，坚定发展信心。\n"
          "一是抓项目、强基础。全年新建标准厂房12栋，新增规上企业35家。\n"
          "二是惠民生。新建保障性住房300套，力争明年再建200套。\n"
          "二、明确今年任务，突出发展重点。\n"
          "新建标准厂房20栋，新增规上企业40家。\n")


def test_figures_in_a_review_section_are_achieved():
    targets = {(m.attrs["value"], m.attrs["unit"]) for m in by_type(REPORT, "Target")}
    metrics = {(m.attrs["value"], m.attrs["unit"]) for m in by_type(REPORT, "Metric")}
    assert {("12", "栋"), ("35", "家"), ("300", "套")} <= metrics
    assert not {("12", "栋"), ("35", "家"), ("300", "套")} & targets
    # a clause's own goal word still makes a goal inside the review; the next section plans
    assert {("200", "套"), ("20", "栋"), ("40", "家")} <= targets


def test_small_chinese_numerals_are_read_as_cn2an_reads_them():
    """kg.numerals reads 0–99 without importing cn2an; each of those forms, and a few it
    leaves to cn2an, give cn2an's own value."""
    import cn2an
    from kg.numerals import DIGITS, _small_number, chinese_number

    def cn2an_value(text):
        try:
            return cn2an.cn2an(text, "smart")
        except ValueError:
            return None
    units = "一二三四五六七八九"
    small = list(DIGITS) + ["十"] + [f"十{u}" for u in units] + [f"{t}十" for t in units] \
        + [f"{t}十{u}" for t in units for u in units]
    for text in small:
        assert _small_number(text) is not None, text
        assert chinese_number(text) == cn2an_value(text), text
    for text in ["三千五", "两万", "一百零五", "十万", "三点五", "3万", "两十", "零十"]:
        assert _small_number(text) is None, text
        assert chinese_number(text) == cn2an_value(text), text
    assert chinese_number("百") is None and chinese_number("X") is None     # cn2an refuses both
