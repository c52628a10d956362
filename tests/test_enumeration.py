"""Lists of names closed by the kind of thing they are (孟坝、平泉等小城镇), on sentences
written for these tests."""
from kg.extract.enumeration import closer, listed_items
from test_extract import found, run


def test_items_and_their_spans():
    text = "今年要建好青石、柳湾、河口等的乡镇集市。"
    [items] = listed_items(text, closer("Place"))
    assert [i.text for i in items] == ["青石", "柳湾", "河口"]
    assert all(text[i.start:i.end] == i.text for i in items)


def test_first_item_leaves_the_verb_before_the_list():
    text = "重点抓好青石、柳湾、河口等乡镇的道路硬化。"
    [items] = listed_items(text, closer("Place"))
    assert items[0].text == "青石"


def test_no_list_without_its_closing_words():
    assert listed_items("要抓好青石、柳湾、河口的道路硬化。", closer("Place")) == []


def test_places_listed_before_a_kind_of_place():
    ex = run("完成了青石、柳湾、河口等5处乡镇的集中供水。")
    assert {"青石", "柳湾", "河口"} <= found(ex, "Place")


def test_zones_named_by_their_partners():
    ex = run("中新、中德、中瑞等国际合作园区要加快招引项目。")
    assert {"中新", "中德", "中瑞"} <= found(ex, "Zone")


def test_industries_of_parks_are_not_zones():
    ex = run("引导化工、医药等园区集约发展。")
    assert not {"化工", "医药"} & found(ex, "Zone")


def test_sectors_listed_before_industry():
    ex = run("大力发展肉驴、蜂蜜、核桃产业，建成一批示范基地。")
    assert {"肉驴", "蜂蜜", "核桃"} <= found(ex, "Industry")


def test_clauses_before_industry_are_not_sectors():
    text = "推动企业向园区集中、做强科技产业。"
    assert [i.text for i in listed_items(text, closer("Industry"))[0]] == ["园区集中", "做强科技"]
    assert not {"园区集中", "做强科技"} & found(run(text), "Industry")


def test_ranked_zone_class():
    ex = run("全市推行科级和处级开发区均由县区领导兼任主要负责人，省级以上开发区要带头。")
    assert {"处级开发区", "省级以上开发区"} <= found(ex, "Zone")


def test_zone_inside_zone_is_a_zone_not_a_program():
    ex = run("鼓励龙头企业牵头建设“园中园”。")
    assert "园中园" in found(ex, "Zone")
    assert "园中园" not in found(ex, "Program")


def test_departments_listed_before_their_kind():
    ex = run("此项工作由财政、交通、水务等部门负责，企业、高校等单位配合。")
    assert {"财政", "交通", "水务"} <= found(ex, "Organization")
    assert not {"企业", "高校"} & found(ex, "Organization")
