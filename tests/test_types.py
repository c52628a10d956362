"""Zone, Industry, Target, Role, Organization and Place rules on sentences written for
these tests (invented names, places and numbers)."""
from speech import found, run


def mentions(extraction, etype):
    return [m for m in extraction.mentions if m.type == etype]


# Place

def test_county_short_name_is_a_place_where_the_full_name_is_written():
    ex = run("翁牛特旗地处燕山北麓。近年来，翁牛特人民艰苦奋斗，城乡面貌焕然一新。")
    places = [(m.label, m.attrs.get("canonical")) for m in mentions(ex, "Place")]
    assert places == [("翁牛特旗", "翁牛特"), ("翁牛特", "翁牛特")]


def test_county_short_name_alone_is_not_trusted():
    ex = run("近年来，翁牛特的城乡面貌焕然一新。")
    assert not found(ex, "Place")


def test_county_short_name_before_a_place_noun_is_a_place():
    ex = run("近年来，翁牛特人民艰苦奋斗，城乡面貌焕然一新。")
    assert found(ex, "Place") == {"翁牛特"}


def test_county_full_name_is_a_place():
    ex = run("我们组织干部赴新沂市、德清县学习考察。")
    places = {m.label: m.attrs.get("canonical") for m in mentions(ex, "Place")}
    assert places == {"新沂市": "新沂", "德清县": "德清"}


def test_county_short_name_that_is_an_ordinary_word_is_not_a_place():
    ex = run("要加强合作，盘活存量资源，推动富民增收。")
    assert not found(ex, "Place")


def test_country_name_qualifying_a_doctrine_is_not_a_place():
    ex = run("大家要读懂中国特色的制度优势，坚持走中国式现代化道路。")
    assert "中国" not in found(ex, "Place")
    ex = run("中国经济长期向好的基本面没有改变。")
    assert "中国" in found(ex, "Place")


# Organization

def test_department_glued_to_its_head_word():
    ex = run("遇到突发舆情必须第一时间向宣传部门报告。")
    orgs = found(ex, "Organization")
    assert "宣传部门" in orgs and "宣传部" not in orgs


def test_interchangeable_names_of_one_central_body():
    ex = run("各级干部要听从党中央号召，不折不扣落实中央决策部署。")
    labels = {m.attrs.get("canonical") or m.label for m in mentions(ex, "Organization")}
    assert labels == {"中央"}


def test_second_name_in_brackets_is_the_same_body():
    ex = run("要依托党校（行政学院）开展专题轮训。")
    orgs = mentions(ex, "Organization")
    assert {m.attrs.get("canonical") or m.label for m in orgs} == {"党校"}


def test_policy_bank_short_name_and_county_hospital():
    ex = run("用好农发行中长期贷款，完成县人民医院门诊楼扩建。")
    orgs = found(ex, "Organization")
    assert "农发行" in orgs and "人民医院" in orgs


# Zone

def test_zone_type_name_keeps_its_inner_verbs():
    ex = run("要把图们江开发开放先导区建成对外开放的前沿。")
    assert "图们江开发开放先导区" in found(ex, "Zone")


def test_inner_verbs_do_not_lead_a_zone_name():
    ex = run("我们要加快开发开放先导区的规划编制。")
    assert not any(z.startswith("开发") for z in found(ex, "Zone"))


def test_actions_on_a_zone_are_not_its_name():
    ex = run("会议回顾总结园区一年来的工作，引导更多优质项目落户园区。")
    assert not any("回顾" in z or "总结" in z or "落户" in z for z in found(ex, "Zone"))


def test_descriptive_kind_of_zone_is_not_a_name():
    ex = run("着力建设节能型生态园区。")
    assert not any("型" in z for z in found(ex, "Zone"))


def test_designation_with_bare_level_is_the_designation():
    ex = run("个别县工业集中区的配套仍然不足。")
    zones = mentions(ex, "Zone")
    assert {m.attrs.get("canonical") or m.label for m in zones} == {"工业集中区"}


# Role

def canonical_labels(extraction, etype):
    return {m.attrs.get("canonical") or m.label for m in mentions(extraction, etype)}


def test_respectful_form_of_a_title_is_that_title():
    ex = run("各园区主要负责同志要亲自抓招商。")
    assert canonical_labels(ex, "Role") == {"园区主要负责人"}
    ex = run("每位主要负责同志都要带头。")
    assert canonical_labels(ex, "Role") == {"主要负责人"}


def test_bare_title_after_the_same_office_with_its_body():
    ex = run("今天召集兼任园区党工委书记的干部座谈。各位党工委书记要把心思放在发展上。")
    assert canonical_labels(ex, "Role") == {"园区党工委书记"}


def test_bare_title_with_two_bodies_stays_bare():
    ex = run("市委书记和县委书记都要抓落实，书记要带头。")
    assert "书记" in canonical_labels(ex, "Role")


# Industry

def test_numbered_sector_short_names():
    ex = run("要以二产带动三产，推动三产服务业提质扩容。")
    inds = mentions(ex, "Industry")
    assert {m.label for m in inds} == {"第二产业", "第三产业"}
    assert "服务业" not in found(ex, "Industry")


def test_financial_services_is_the_finance_sector():
    ex = run("健全县域金融服务体系。")
    assert found(ex, "Industry") == {"金融"}


def test_sector_word_before_a_facility_names_the_facility():
    ex = run("新建饲料加工厂两座，配套建设养老服务设施。")
    assert not found(ex, "Industry")


def test_list_item_ending_in_project_is_no_sector():
    ex = run("统筹推进交通重点项目、特色产业培育。")
    assert not any(i.endswith("项目") for i in found(ex, "Industry"))


def test_sites_of_works_counted_with_chu_are_places():
    ex = run("今年建成了柳湾、石岔、上庄等3处人饮工程。")
    assert {"柳湾", "石岔", "上庄"} <= found(ex, "Place")


def test_things_counted_with_chu_are_not_places_without_works():
    ex = run("排查出漏洞、隐患等12处问题。")
    assert not found(ex, "Place")


def test_quoted_name_ending_in_a_body_head_is_that_body():
    ex = run("他们在江城办起了第一所夜校“江北自修学院”，传播新思想。")
    assert "江北自修学院" in found(ex, "Organization")


def test_quoted_generic_body_is_not_a_name():
    ex = run("要当好“娘家人”，做企业的“服务部门”。")
    assert not found(ex, "Organization")


# Target

def test_partly_hidden_number_is_a_hidden_value():
    ex = run("明年计划接通管道燃气3xx户。")
    targets = mentions(ex, "Target")
    assert [(t.attrs.get("value"), t.attrs.get("unit")) for t in targets] == [(None, "户")]


def test_area_of_a_port_is_a_place_not_a_zone():
    ex = run("随着曹妃甸港散货港区建成投用，物流成本明显下降。")
    assert "曹妃甸港散货港区" in found(ex, "Place")
    assert not found(ex, "Zone")


def test_airport_area_without_a_port_name_stays_a_zone():
    ex = run("要加快临空航空港区建设。")
    assert not any("港区" in p for p in found(ex, "Place"))
