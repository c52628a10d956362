"""Program rules on sentences written for these tests (invented names and places)."""
import pytest

from speech import run


def programs(ex):
    return [m for m in ex.mentions if m.type == "Program"]


def labels(ex, etype="Program"):
    return {m.label for m in ex.mentions if m.type == etype}


def test_quoted_code_with_words_and_head_is_one_program():
    ex = run("全面实施“258”山区林果提升行动，打响特色品牌。")
    [p] = programs(ex)
    assert p.label == "258" and p.attrs["alias"] == "“258”山区林果提升行动"


def test_quoted_name_with_words_before_its_head_keeps_the_whole_as_alias():
    ex = run("落实好“两清单”经费公开制度。")
    [p] = programs(ex)
    assert p.label == "两清单" and p.attrs["alias"] == "“两清单”经费公开制度"


def test_hidden_quoted_name_with_a_head_is_a_program():
    ex = run("持续推进“xx”专项整治，抓好“××”建设。")
    assert {"“xx”专项整治", "“××”建设"} <= labels(ex)


def test_items_listed_before_their_kind_are_programs():
    ex = run("加快南湖大桥、东区热电厂、老城棚户区改造等重点项目建设。")
    assert {"南湖大桥", "东区热电厂", "老城棚户区改造"} <= labels(ex)


def test_first_listed_item_starts_after_the_verb():
    ex = run("全面推进预算公开、集中采购等制度改革。")
    assert {"预算公开", "集中采购"} <= labels(ex)
    assert not any(p.startswith("推进") for p in labels(ex))


def test_listed_industries_are_not_programs():
    ex = run("引进新能源、新材料等项目。")
    assert not {"新能源", "新材料"} & labels(ex)


def test_placeholder_before_a_name_is_part_of_it():
    ex = run("持续深化××新时代文明实践学习教育。")
    assert "××新时代文明实践学习教育" in labels(ex)


def test_hidden_count_before_a_name_is_not_part_of_it():
    ex = run("全年完成xx户庭院环境改造工程。")
    assert not any(p.startswith("xx") for p in labels(ex))


def test_short_item_listed_before_a_name_shares_its_head():
    ex = run("编制了柑橘、茶叶产业发展规划。")
    assert "柑橘、茶叶产业发展规划" in labels(ex)


def test_two_full_names_side_by_side_stay_apart():
    ex = run("实施万户增收、百村示范行动。")
    assert "百村示范行动" in labels(ex)


def test_party_of_starts_a_campaign_name():
    ex = run("深入开展党的政治建设专题学习活动。")
    assert "党的政治建设专题学习活动" in labels(ex)


def test_body_set_up_for_a_task_keeps_its_task():
    ex = run("县里成立招商引资工作领导小组，注重发挥基层减负工作领导小组作用。")
    assert {"招商引资工作领导小组", "基层减负工作领导小组"} <= labels(ex, "Organization")


def test_company_inside_a_listed_project_is_kept_as_organization():
    ex = run("推进鑫远公司纸浆生产线、南岭大桥改造等重点项目。")
    assert {"鑫远公司纸浆生产线", "南岭大桥改造"} <= labels(ex)
    assert "鑫远公司" in labels(ex, "Organization")


def test_new_round_before_a_campaign_is_not_part_of_its_name():
    ex = run("今年启动新一轮美丽庭院创建行动。")
    assert "美丽庭院创建行动" in labels(ex)


def test_short_title_after_a_full_one_names_the_same_document():
    ex = run("县里印发了《关于扶持青苗园区转型升级的意见》。《意见》明确了扶持方向。")
    assert labels(ex) == {"关于扶持青苗园区转型升级的意见"}
    short = [p for p in programs(ex) if p.surface == "《意见》"]
    assert short and short[0].attrs["alias"] == "意见"


# sentences whose programs are exactly these (often none: things that look like a name)
EXACTLY = [
    pytest.param("要理顺港区管理机制，组织招商推介活动。",
                 set(), id="plain_modifier_before_a_general_head_is_no_name"),
    pytest.param("坚决防止“重招商、轻服务”，着力解决“审批慢、落地难”的问题。",
                 set(), id="quoted_problem_is_not_a_program"),
    pytest.param("推动服务方式由“保姆式”、“包揽式”向“引导式”转变，推行“一站式”服务。",
                 {"一站式"}, id="quoted_manner_words_in_a_list_are_not_programs"),
    pytest.param("突出“52个重点村和18个移民点”，学习全国“两会”精神。",
                 set(), id="quoted_counts_and_meetings_are_not_programs"),
    pytest.param("按照“产业兴旺、生活富裕”的要求，按照“两年起步、三年见效”的要求推进。",
                 {"两年起步、三年见效"}, id="requirement_of_plain_clauses_is_not_a_program"),
    pytest.param("认真学习《论语》，抓好《规划》落实。",
                 {"规划"}, id="short_book_title_without_a_document_word_is_a_book"),
    pytest.param("建成8处集中供暖工程，从三种渠道选人，实施百项技改行动。",
                 {"百项技改行动"}, id="counted_projects_and_counted_nouns_are_not_programs"),
    pytest.param("健全教师考核评价体系，保障文明创建活动经费。",
                 set(), id="head_qualifying_the_next_noun_ends_no_name"),
    pytest.param("要把握这一区域战略转移的机遇。",
                 set(), id="lone_one_is_a_determiner_not_a_count"),
    pytest.param("建设甲镇敬老院、体育馆、乙村污水处理等重点项目。",
                 {"甲镇敬老院", "乙村污水处理"}, id="listed_facility_word_without_a_name_is_no_program"),
    pytest.param("制定年度压减计划，明确总体发展战略，实施碧溪流域年度治理计划。",
                 {"碧溪流域年度治理计划"}, id="scope_word_alone_before_a_plan_is_no_name"),
    pytest.param("脱贫路上做到“一户都不落下”“一人都不掉队”，推进“一村一品”行动。",
                 {"一村一品"}, id="quoted_pledge_that_none_is_left_out_is_no_program"),
]


@pytest.mark.parametrize("sentence, expected", EXACTLY)
def test_the_programs_of_a_sentence_are_exactly_these(sentence, expected):
    assert labels(run(sentence)) == expected
