"""Extractors, overlap resolution and relations on sentences written for these tests."""
from speech import found, run


def test_offsets_point_at_the_written_text():
    ex = run("我们要深入推进“审管联”改革，做大新能源汽车产业。")
    for m in ex.mentions:
        assert ex.document.text[m.start:m.end] == m.surface


def test_quoted_program_keeps_head_as_alias():
    ex = run("我们要深入推进“审管联”改革，优化审批流程。")
    programs = [m for m in ex.mentions if m.type == "Program"]
    assert [m.label for m in programs] == ["审管联"]
    assert programs[0].attrs["alias"] == "审管联改革"


def test_book_title_program_without_marks():
    ex = run("认真贯彻《关于加快临江开发区转型升级的实施意见》精神。")
    assert "关于加快临江开发区转型升级的实施意见" in found(ex, "Program")


def test_headed_and_numbered_programs():
    ex = run("坚定实施工业强市战略，牢固树立四个意识，扎实开展三学三争活动。")
    programs = found(ex, "Program")
    assert "工业强市战略" in programs
    assert "四个意识" in programs
    assert any(p.startswith("三学三争") for p in programs)


def test_generic_activity_is_not_a_program():
    ex = run("今年要抓好招商引资和项目建设，两个方面都不能放松。")
    assert found(ex, "Program") == set()


def test_zone_names_and_anonymised_zone():
    ex = run("青川经济技术开发区和X开发区要联手，市开发区也要跟上。")
    zones = found(ex, "Zone")
    assert "青川经济技术开发区" in zones
    assert "X开发区" in zones
    assert "市开发区" in zones


def test_zone_name_starts_at_its_place():
    """Words before the place are not the zone's name (a noun jieba tags n, like 专题研究),
    but a further place is (江苏苏州)."""
    ex = run("市委专题研究东湖经济技术开发区的工作，学习江苏苏州工业园区的经验。")
    zones = found(ex, "Zone")
    assert "东湖经济技术开发区" in zones
    assert not any(z.startswith("专题") for z in zones)
    assert "江苏苏州工业园区" in zones or "苏州工业园区" in zones


def test_bare_category_zone_is_left_out():
    ex = run("全省各开发区要对标先进。")
    assert found(ex, "Zone") == set()


def test_industry_label_drops_trailing_chanye():
    ex = run("园区重点培育新能源汽车产业和生物医药产业。")
    assert {"新能源汽车", "生物医药"} <= found(ex, "Industry")


def test_person_with_role_and_comrade():
    ex = run("感谢建华市长的支持，特别是国栋同志做了大量工作。各位同志要努力。")
    persons = {m.label: m.attrs.get("role") for m in ex.mentions if m.type == "Person"}
    assert persons == {"建华": "市长", "国栋": None}
    assert ("Person", "建华") in {r.subject for r in ex.relations if r.predicate == "holdsRole"}


def test_anonymised_person_left_out():
    ex = run("xx同志和***书记都到了现场。")
    assert found(ex, "Person") == set()


def test_places_and_deictic_areas():
    ex = run("全市要主动融入长三角，加强与江苏省和苏州的合作。")
    places = found(ex, "Place")
    assert {"长三角", "江苏省", "苏州"} <= places
    assert "全市" not in places


def test_zone_industry_relation_in_one_sentence():
    ex = run("青川经济技术开发区重点发展生物医药产业。")
    rels = {(r.subject[1], r.predicate, r.object[1]) for r in ex.relations}
    assert ("青川经济技术开发区", "focusesOn", "生物医药") in rels


def test_speaker_role_from_title():
    ex = run("同志们：今天开会。", title="市长在全市园区建设推进会上的讲话")
    assert ex.speaker_role == "市长"


def test_speaker_role_found_inside_a_longer_title():
    ex = run("同志们：今天开会。", title="2024年度县长在园区现场办公会上的讲话")
    assert ex.speaker_role == "县长"


def test_listed_small_towns_are_places():
    ex = run("今年完成了东坪、西河、南岔等小城镇的规划。")
    assert {"东坪", "西河", "南岔"} <= found(ex, "Place")
    assert "了东坪" not in found(ex, "Place")


def test_role_linked_to_the_body_it_belongs_to():
    ex = run("开发区党工委书记要靠前指挥，市委书记亲自部署。")
    roles = {m.label: m.attrs.get("organization") for m in ex.mentions if m.type == "Role"}
    assert roles["开发区党工委书记"] == "开发区党工委"
    assert roles["市委书记"] == "市委"
    rels = {(r.subject[1], r.predicate, r.object[1]) for r in ex.relations}
    assert ("开发区党工委书记", "roleIn", "开发区党工委") in rels


def test_office_written_before_a_name():
    ex = run("刚才，管委会主任李华同志作了报告。")
    persons = {m.label: m.attrs.get("role") for m in ex.mentions if m.type == "Person"}
    assert persons == {"李华": "管委会主任"}


def test_quoted_idioms_and_manner_words_are_not_programs():
    ex = run("不要搞“花架子”，要发挥基金“点石成金”的作用，改变“保姆式”服务。")
    assert not {"花架子", "点石成金", "保姆式"} & found(ex, "Program")


def test_quoted_goal_is_not_a_program():
    ex = run("全区上下要围绕“力争进入全省前五名、争创国家级高新区”的目标奋斗。")
    assert not any("争创" in p for p in found(ex, "Program"))


def test_compound_quoted_strategy_is_split_into_its_halves():
    ex = run("深入实施“科技强区、文旅兴业”战略，加快形成“一核两翼、三带五区”布局。")
    assert {"科技强区", "文旅兴业", "一核两翼", "三带五区"} <= found(ex, "Program")


def test_short_parallel_slogan_stays_whole():
    ex = run("坚持“稳增长、促改革”的工作要求。")
    assert "稳增长、促改革" in found(ex, "Program")


def test_program_name_does_not_start_with_a_measure_word_or_conjunction():
    ex = run("完成了6处饮水安全提升工程，实施工业强县和三大战略。")
    programs = found(ex, "Program")
    assert not any(p.startswith(("处", "和")) or "和三大" in p for p in programs)
    assert "三大战略" in programs


def test_program_name_may_hold_a_lexicon_term():
    ex = run("科学编制新能源汽车产业发展规划，实施临江高新区扩区工程。")
    assert "新能源汽车产业发展规划" in found(ex, "Program")


def test_verb_right_after_a_verb_of_setting_up_starts_the_name():
    ex = run("要进一步完善涉企投诉调处工作机制，稳步推进采购管理制度改革。")
    programs = found(ex, "Program")
    assert "涉企投诉调处工作机制" in programs and "采购管理制度改革" in programs


def test_long_campaign_name_is_not_cut_inside_a_word():
    ex = run("持续深化焦裕禄精神传承弘扬暨干部作风建设学习教育。")
    assert "焦裕禄精神传承弘扬暨干部作风建设学习教育" in found(ex, "Program")


def test_role_of_the_citys_own_zone_keeps_its_admin_prefix():
    ex = run("市高新区主要负责人要带头抓落实。")
    assert "市高新区主要负责人" in found(ex, "Role")


def test_full_name_after_an_office_is_that_officials():
    ex = run("会上省委书记王立新强调的几点要求很重要，市长刘振华在会上作了部署。")
    people = {m.label: m.attrs.get("role") for m in ex.mentions if m.type == "Person"}
    assert people == {"王立新": "省委书记", "刘振华": "市长"}


def test_ordinary_words_after_an_office_are_not_names():
    ex = run("市长高度重视开发区工作，书记周密部署，省委书记要求各地抓落实。")
    assert found(ex, "Person") == set()
