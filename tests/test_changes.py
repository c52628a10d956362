"""What a rebuild changed: kg build says it, kg changes lists it, kg diff compares folders."""
import shutil

from click.testing import CliRunner

from kg import api, cache, changes
from kg.cli import main

SPEECHES = {
    "a.txt": "在临江高新区推进会上的讲话\n临江高新区要发展新能源汽车产业，力争营业收入500亿元以上。\n",
    "b.txt": "在青川经开区工作会上的讲话\n青川经开区要推进“审管联”改革，做强生物医药产业。感谢建华市长的支持。\n",
}
NEW = "在南港开发区招商会上的讲话\n南港开发区要发展氢能产业，力争2027年营业收入达到300亿元。会议由王振华主任主持。\n"


def corpus(root):
    root.mkdir(parents=True, exist_ok=True)
    for name, text in SPEECHES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_rebuild_reports_what_kg_diff_finds_between_the_two_builds(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    first = api.build([str(src)], str(out))
    assert first.changes is None                       # nothing to compare with
    shutil.copytree(out, tmp_path / "last-week")
    (src / "c.txt").write_text(NEW, encoding="utf-8")
    (src / "b.txt").unlink()
    second = api.build([str(src)], str(out))
    assert second.changes == api.diff(tmp_path / "last-week", out)
    assert second.changes["speeches"] == {"added": [("c",)], "removed": [("b",)]}
    entities = second.changes["entities"]
    assert ("Zone", "南港开发区") in entities["added"] and ("Industry", "氢能") in entities["added"]
    assert ("Industry", "生物医药") in entities["removed"] and ("Industry", "新能源汽车") not in entities["removed"]
    assert second.changes["targets"]["added"] == [("力争2027年营业收入达到300亿元", "300亿元")]
    assert second.changes["roles"] == {"added": [("王振华", "主任")], "removed": [("建华", "市长")]}
    built, since, listed = api.last_changes(out)
    assert listed == second.changes and since == second.changes_since and built >= since


def test_a_full_build_and_an_unreadable_record(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    api.build([str(src)], str(out))
    again = api.build([str(src)], str(out), full=True)          # the same speeches, made again
    assert again.changes == {kind: {"added": [], "removed": []} for kind in changes.KINDS}
    (out / cache.CACHE_DIR / changes.RECORD_FILE).write_bytes(b"{broken")
    (src / "c.txt").write_text(NEW, encoding="utf-8")
    assert api.build([str(src)], str(out)).changes is None      # nothing readable to compare with
    (src / "c.txt").unlink()
    assert api.build([str(src)], str(out)).changes["speeches"] == {"added": [], "removed": [("c",)]}


def test_the_cli_prints_the_changes_and_kg_changes_lists_them_all(tmp_path):
    src, out = corpus(tmp_path / "in"), tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert r.exit_code == 0 and "changes since" not in r.output
    r = CliRunner().invoke(main, ["changes", "-g", str(out)])
    assert r.exit_code == 1 and "no build there has an earlier one" in r.output
    places = ["东岭", "西岭", "北港", "云溪", "白沙", "金湾", "石桥", "青山", "绿岛", "红河", "玉泉", "长岗"]
    for k, place in enumerate(places):                   # more new zones than a build lists
        (src / f"n{k:02d}.txt").write_text(NEW.replace("南港", place), encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert r.exit_code == 0, r.output
    assert "changes since the build of" in r.output and "speeches: +12 -0" in r.output
    assert "+ Zone · 东岭开发区" in r.output and "+ Zone · 长岗开发区" not in r.output
    assert "more added (kg changes lists them all)" in r.output
    r = CliRunner().invoke(main, ["changes", "-g", str(out)])
    assert r.exit_code == 0 and "+ Zone · 长岗开发区" in r.output and "more added" not in r.output
    (src / "n00.txt").rename(src / "n99.txt")            # the same speech under another name: a speech changed
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert "+ n99" in r.output and "- n00" in r.output and "+ Zone" not in r.output
    (src / "n99.txt").write_text((src / "n99.txt").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(src), "-o", str(out), "-j", "1"])
    assert "none to speeches, entities, targets or people's roles" in r.output
