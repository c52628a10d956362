from kg.clean import find_boilerplate, normalize_for_matching, placeholder_spans, split_sentences
from kg.model import Document


def doc(text):
    return Document(id="d", source="d.txt", title="", text=text)


def test_sentences_keep_offsets_into_the_document():
    d = doc("同志们：\n今年要发展汽车产业。明年要做强生物医药！")
    sentences = split_sentences(d)
    for s in sentences:
        assert len(s.text) == s.end - s.start
        assert normalize_for_matching(d.text[s.start:s.end]) == s.text
    assert [d.text[s.start:s.end] for s in sentences] == ["同志们：", "今年要发展汽车产业。", "明年要做强生物医药！"]


def test_traditional_text_is_simplified_for_matching_only():
    d = doc("綜合保稅區要發展跨境電商。")
    [s] = split_sentences(d)
    assert s.text == "综合保税区要发展跨境电商。"
    assert d.text.startswith("綜合保稅區")


def test_full_width_is_folded_one_char_for_one():
    assert normalize_for_matching("增长１５％") == "增长15%"


def test_boilerplate_lines_are_not_sentences():
    text = ("在园区大会上的讲话\n以下是小编为大家收集的讲话稿，欢迎阅读。\n要发展物流。\n"
            "此处隐藏1234字，下载后查看全文\n更新时间：2024-01-02 来源：范文网\n要发展汽车。")
    d = doc(text)
    spans = find_boilerplate(text)
    assert len(spans) == 3
    texts = [s.text for s in split_sentences(d)]
    assert "要发展物流。" in texts and "要发展汽车。" in texts
    assert not any("小编" in t or "下载" in t or "来源" in t for t in texts)


def test_placeholders_found_but_not_inside_latin_words():
    text = "X开发区和__开发区、**园区在20xx年用Linux和Excel"
    spans = [text[a:b] for a, b in placeholder_spans(text)]
    assert spans == ["X", "__", "**", "20xx"]


def test_long_line_without_punctuation_is_cut_into_bounded_sentences():
    d = doc("园区" * 50000)
    sentences = split_sentences(d)
    assert max(s.end - s.start for s in sentences) <= 500
    assert sentences[-1].end == len(d.text)


def test_a_speech_on_one_line_is_not_boilerplate_because_it_mentions_a_source():
    text = "园区要发展物流产业，" * 40 + "来源：市政府网站"
    spans = find_boilerplate(text)
    assert spans and all(b - a < 20 for a, b in spans)
    assert split_sentences(doc(text))
