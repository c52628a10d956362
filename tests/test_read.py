"""Reading files of every kind the analysts collect, and splitting collection files."""

import pytest

from kg.read import ReadError, read_file, read_inputs

SPEECH = "在临江高新区工作会议上的讲话\n同志们：\n今年园区要发展新能源汽车产业。\n"


def test_utf8_with_and_without_bom(tmp_path):
    for name, data in {"a.txt": SPEECH.encode("utf-8"), "b.txt": b"\xef\xbb\xbf" + SPEECH.encode("utf-8")}.items():
        (tmp_path / name).write_bytes(data)
        [doc] = read_file(tmp_path / name)
        assert doc.text.startswith("在临江高新区")
        assert doc.title == "在临江高新区工作会议上的讲话"
        assert doc.id == name[:-4]


def test_gbk_and_utf16_are_detected(tmp_path):
    (tmp_path / "gbk.txt").write_bytes(SPEECH.encode("gbk"))
    (tmp_path / "u16.txt").write_bytes(SPEECH.encode("utf-16"))
    assert read_file(tmp_path / "gbk.txt")[0].text == SPEECH
    assert read_file(tmp_path / "u16.txt")[0].text == SPEECH


def test_truncated_utf8_keeps_the_text(tmp_path):
    (tmp_path / "cut.txt").write_bytes(SPEECH.encode("utf-8") + "园区".encode("utf-8")[:4])
    assert read_file(tmp_path / "cut.txt")[0].text.startswith("在临江高新区")


def test_html_drops_scripts_and_navigation(tmp_path):
    page = ("<html><head><script>alert('x')</script><style>p{}</style></head><body>"
            "<nav>首页 &gt; 范文</nav><div><p>同志们：</p><p>园区要发展生物医药。</p></div>"
            "<footer>版权所有</footer></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [doc] = read_file(tmp_path / "page.html")
    assert "园区要发展生物医药" in doc.text
    assert "alert" not in doc.text and "首页" not in doc.text and "版权所有" not in doc.text


def test_broken_html_still_reads(tmp_path):
    (tmp_path / "broken.htm").write_text("<div><p>园区要发展<b>跨境电商</p><span>", encoding="utf-8")
    assert "跨境电商" in read_file(tmp_path / "broken.htm")[0].text


def test_docx_paragraphs_and_bad_docx(tmp_path):
    import docx
    d = docx.Document()
    d.add_paragraph("在综合保税区推进会上的讲话")
    d.add_paragraph("要发展保税物流。")
    d.save(tmp_path / "speech.docx")
    [doc] = read_file(tmp_path / "speech.docx")
    assert doc.title == "在综合保税区推进会上的讲话" and "保税物流" in doc.text
    (tmp_path / "fake.docx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(ReadError, match="zip"):
        read_file(tmp_path / "fake.docx")


@pytest.mark.parametrize("content, reason", [(b"", "empty"), (b"   \n\t ", "empty"),
                                             (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")])
def test_empty_and_binary_files_are_refused(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_file(tmp_path / "bad.txt")


def test_collection_file_is_split_at_its_headings(tmp_path):
    text = ("开发区讲话稿(精选2篇)\n以下是小编整理的讲话稿。\n"
            "开发区讲话稿篇一\n同志们：要发展汽车产业。\n"
            "开发区讲话稿篇二\n同志们：要发展生物医药。\n")
    (tmp_path / "col.txt").write_text(text, encoding="utf-8")
    docs = read_file(tmp_path / "col.txt")
    assert [d.id for d in docs] == ["col#1", "col#2"]
    assert [d.index for d in docs] == [1, 2]
    assert "汽车产业" in docs[0].text and "生物医药" not in docs[0].text
    assert "小编" not in docs[0].text and docs[0].title == "开发区讲话稿"


def test_collection_with_di_n_pian_headings(tmp_path):
    text = "第一篇：在招商大会上的讲话\n要抓招商。\n第二篇：在园区推进会上的讲话\n要抓项目。\n"
    (tmp_path / "c2.txt").write_text(text, encoding="utf-8")
    docs = read_file(tmp_path / "c2.txt")
    assert [d.title for d in docs] == ["在招商大会上的讲话", "在园区推进会上的讲话"]


def test_folder_with_bad_files_reports_each_and_keeps_the_rest(tmp_path):
    (tmp_path / "good.txt").write_text(SPEECH, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good 2 #“引号”.txt").write_text(SPEECH, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n")
    docs, problems = read_inputs([str(tmp_path)])
    assert sorted(d.id for d in docs) == ["good", "good 2 #“引号”"]
    messages = sorted(str(p) for p in problems)
    assert len(messages) == 2
    assert any("empty.txt" in m and "empty" in m for m in messages)
    assert any("image.png" in m and "unsupported" in m for m in messages)


def test_missing_input_is_a_problem_not_a_crash(tmp_path):
    docs, problems = read_inputs([str(tmp_path / "nowhere")])
    assert docs == [] and "no such file" in str(problems[0])


def test_publisher_wrapper_is_cut_from_the_title(tmp_path):
    (tmp_path / "w.txt").write_text("下面是小编为您精选的2024年度市长在园区推进会上的讲话，供大家参考。\n同志们：\n",
                                    encoding="utf-8")
    assert read_file(tmp_path / "w.txt")[0].title == "2024年度市长在园区推进会上的讲话"


def test_utf8_with_a_few_broken_bytes_inside_is_read_with_a_warning(tmp_path):
    from kg.read import read_inputs
    text = "在临江高新区推进会上的讲话\n" + "临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n" * 20
    data = text.encode("utf-8")
    middle = len(data) // 2
    middle -= middle % 3          # a character boundary (each of these characters is 3 bytes)
    path = tmp_path / "broken.txt"
    path.write_bytes(data[:middle] + b"\xff\xfe\x80" + data[middle:])
    docs, problems = read_inputs([str(path)])
    assert len(docs) == 1 and "新能源汽车" in docs[0].text
    [problem] = problems
    assert not problem.fatal and "broken.txt" in str(problem) and "broken byte" in problem.reason


def test_a_file_named_in_gbk_gives_its_chinese_name(tmp_path):
    """An archive made on a Chinese Windows names its files in GBK: the speech id and
    source are that name as text (never the lone surrogates Python holds it as)."""
    import os
    name = "临江讲话".encode("gbk") + b".txt"
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as f:
        f.write("临江高新区工作会议讲话\n临江高新区要发展新能源汽车产业。\n".encode("utf-8"))
    with open(os.path.join(os.fsencode(tmp_path), b"\xff\xfe.txt"), "wb") as f:
        f.write("青川经开区要做强生物医药产业。\n".encode("utf-8"))
    docs, problems = read_inputs([str(tmp_path)])
    by_id = {d.id: d for d in docs}
    assert set(by_id) == {"临江讲话", "\ufffd\ufffd"}
    assert by_id["临江讲话"].source.endswith("临江讲话.txt")
    for d in docs:
        d.source.encode("utf-8")                                   # text, no lone surrogate
    assert sorted(p.reason for p in problems) == ["the file name is no UTF-8: read as '临江讲话.txt'",
                                                  "the file name is no UTF-8: read as '\ufffd\ufffd.txt'"]
    assert not any(p.fatal for p in problems)
