"""Build benchmark on synthetic corpora made from the project's own examples.

    python bench/bench_build.py                 # N = 100 and 1,000
    python bench/bench_build.py --sizes 100 1000 10000 --jobs 2
    python bench/bench_build.py --sizes 1000 --repeat 3      # medians of three runs

For each N it generates N speeches (the examples with names, numbers and paragraph order
varied), then reports, each measured in a fresh process:
  - full build: speeches/s, MB/s, peak RSS;
  - the same text through raw ``jieba.lcut`` on one core, and the build's throughput as a
    ratio of it (goal: >= 0.5 with --jobs 1);
  - adding one speech and rebuilding, as a fraction of the full build (goal: <= 5 % at 1,000):
    a copy of the first speech with a sentence more, and (``add_new``) bench/new_speech.txt,
    a speech of other wording, which names the corpus's common entities in words of its own
    (新能源汽车产业 where the corpus writes 新能源汽车);
  - a build with nothing new (``unchanged_s``, seconds): the files are already up to date;
  - extraction alone (``extract_ratio_to_raw_jieba``): the speeches extracted in one warm
    process, against raw ``jieba.lcut`` over them in that process; what is left of the full
    build's time is reading, linking, duplicates, the graph files, validation and the pages.
Figures are ratios measured in the same run, so they carry across machines.

    python bench/bench_build.py --corpus ~/speeches        # the same figures on your speeches

The synthetic speeches vary five examples, so each sentence's frame recurs in a fifth of
them and the extractors' caches (a window's POS tags, a character's folded form) answer most
lookups; a corpus of distinct speeches is slower to extract for its size (see the README).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEW_SPEECH = Path(__file__).resolve().parent / "new_speech.txt"
ZONES = ["青川", "临江", "东湖", "西岭", "南港", "北川", "云溪", "白沙", "金湾", "石桥"]
NAMES = ["建华", "国栋", "明远", "振华", "立军", "海涛", "文斌", "志刚", "晓东", "春生"]


def source_texts() -> list[str]:
    from kg.read import read_inputs
    docs, _ = read_inputs([str(ROOT / "examples")])
    return [d.text for d in docs]


def vary(text: str, rng: random.Random) -> str:
    """A new speech from an example: other zone and person names, other figures, and the
    paragraphs (after the first) in another order."""
    text = re.sub("青川|临江", lambda _: rng.choice(ZONES), text)
    text = re.sub("建华|国栋|李华|张明远", lambda _: rng.choice(NAMES), text)
    text = re.sub(r"\d+(?:\.\d+)?", lambda m: str(round(float(m.group()) * rng.uniform(0.5, 2), 1)), text)
    lines = text.split("\n")
    head, body = lines[:2], lines[2:]
    rng.shuffle(body)
    return "\n".join(head + body)


def make_corpus(folder: Path, n: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    texts = source_texts()
    folder.mkdir(parents=True)
    size = 0
    for i in range(n):
        text = vary(texts[i % len(texts)], rng)
        (folder / f"s{i:05d}.txt").write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return size


def timed(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a command run in its own process."""
    wrapper = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
               "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
               "print(json.dumps([time.perf_counter() - t, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], check=True, capture_output=True, text=True)
    seconds, rss = json.loads(out.stdout)
    return seconds, rss


def _run_over(script: str, folder: Path) -> str:
    """What a Python ``script`` prints, run in a fresh process over ``folder`` (its argv[1])
    with the project importable."""
    return subprocess.run([sys.executable, "-c", script, str(folder)], check=True, capture_output=True,
                          text=True, cwd=ROOT).stdout


def jieba_seconds(folder: Path) -> float:
    script = ("import jieba, logging, sys, time; from kg.read import read_inputs; "
              "jieba.setLogLevel(logging.WARNING); jieba.initialize(); "
              "texts = [d.text for d in read_inputs([sys.argv[1]])[0]]; t = time.perf_counter(); "
              "[jieba.lcut(x) for x in texts]; print(time.perf_counter() - t)")
    return float(_run_over(script, folder))


def extraction_seconds(folder: Path) -> tuple[float, float]:
    """(raw ``jieba.lcut`` seconds, extraction seconds) over the speeches of ``folder``, in one
    process with both tokenizers loaded: start-up is left out of both, and so are the
    extractors' own first-use costs (lexicons, patterns, cn2an's import: a tenth of a
    second, as much as extracting 20,000 characters), paid on the first speech before the
    clock starts; their caches are emptied after it."""
    script = ("import logging, sys, time, jieba; from kg.read import read_inputs; "
              "from kg.extract import extract_document; from kg import memo, segment; "
              "jieba.setLogLevel(logging.WARNING); jieba.initialize(); segment.warm_up(); "
              "docs, _ = read_inputs([sys.argv[1]]); extract_document(docs[0]); memo.clear(); "
              "t = time.perf_counter(); "
              "[jieba.lcut(d.text) for d in docs]; raw = time.perf_counter() - t; "
              "t = time.perf_counter(); [extract_document(d) for d in docs]; "
              "print(raw, time.perf_counter() - t)")
    raw, extraction = map(float, _run_over(script, folder).split())
    return raw, extraction


def copy_corpus(source: Path, folder: Path) -> int:
    """The speeches of ``source`` (every file kg reads, sub-folders included) copied flat
    into ``folder`` as s00000…, so that the added speeches come after them; their bytes."""
    from kg.read import SUPPORTED, TEXT_SUFFIXES, input_files
    folder.mkdir(parents=True)
    files = [f for f in input_files([str(source)], []) if f.suffix.lower() in SUPPORTED]
    if not any(f.suffix.lower() in TEXT_SUFFIXES for f in files):
        raise SystemExit(f"{source}: no plain-text speech (.txt, .md) to copy for the added speech")
    size = 0
    for i, path in enumerate(files):
        shutil.copy(path, folder / f"s{i:05d}{path.suffix}")
        size += path.stat().st_size
    return size


def run(n: int, jobs: int, repeat: int = 1, source: Path | None = None) -> dict:
    """One size's figures (or, from ``source``, those of a folder of speeches); with
    ``repeat``, the median of that many runs of each measurement (the full build, the added
    speech, raw jieba), taken in turn."""
    from statistics import median
    with tempfile.TemporaryDirectory() as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        if source is None:
            size = make_corpus(corpus, n)
        else:
            size = copy_corpus(source, corpus)
            from kg.read import read_inputs
            n = len(read_inputs([str(corpus)])[0])       # (a collection file holds many)
        kg = [sys.executable, "-m", "kg.cli", "build", str(corpus), "-o", str(out), "-j", str(jobs)]
        fulls, rsss, add_ones, add_news, raws, unchangeds, extract_ratios = [], [], [], [], [], [], []
        for _ in range(repeat):
            (corpus / "extra.txt").unlink(missing_ok=True)
            (corpus / NEW_SPEECH.name).unlink(missing_ok=True)
            full, rss = timed(kg + ["--full"])
            unchangeds.append(timed(kg)[0])             # nothing new: the files are up to date
            shutil.copy(_first_text(corpus), corpus / "extra.txt")
            with open(corpus / "extra.txt", "a", encoding="utf-8") as f:
                f.write("\n同志们，补充一点：园区要发展氢能产业。\n")
            add_ones.append(timed(kg)[0])
            (corpus / "extra.txt").unlink()
            timed(kg)                                    # back to the corpus alone, untimed
            shutil.copy(NEW_SPEECH, corpus / NEW_SPEECH.name)
            add_news.append(timed(kg)[0])
            (corpus / NEW_SPEECH.name).unlink()
            raws.append(jieba_seconds(corpus))
            extraction_raw, extraction = extraction_seconds(corpus)
            extract_ratios.append(extraction_raw / extraction)
            fulls.append(full)
            rsss.append(rss)
    full, add_one, add_new, raw = median(fulls), median(add_ones), median(add_news), median(raws)
    return {"speeches": n, "MB": round(size / 2**20, 2), "jobs": jobs, "runs": repeat, "full_s": round(full, 1),
            "speeches_per_s": round(n / full, 1), "MB_per_s": round(size / 2**20 / full, 3),
            "peak_rss_MB": round(max(rsss)), "raw_jieba_s": round(raw, 2),
            "ratio_to_raw_jieba": round(raw / full, 3), "add_one_s": round(add_one, 1),
            "add_one_fraction": round(add_one / full, 3), "add_new_s": round(add_new, 1),
            "add_new_fraction": round(add_new / full, 3), "unchanged_s": round(median(unchangeds), 2),
            "extract_ratio_to_raw_jieba": round(median(extract_ratios), 3)}


def _first_text(corpus: Path) -> Path:
    """The first speech that is plain text (a sentence is appended to a copy of it)."""
    from kg.read import TEXT_SUFFIXES
    return next(p for p in sorted(corpus.iterdir()) if p.suffix.lower() in TEXT_SUFFIXES)


# the goals: (figure, the runs it applies to, whether it is met, what it says)
GOALS = (("ratio_to_raw_jieba", lambda r: r["jobs"] == 1, lambda v: v >= 0.5,
          "full build >= 0.5x raw jieba.lcut on one core (--jobs 1)"),
         ("add_one_fraction", lambda r: r["speeches"] == 1000, lambda v: v <= 0.05,
          "+1 speech to 1,000 <= 5% of a full build"),
         ("peak_rss_MB", lambda r: r["speeches"] == 10000, lambda v: v < 2048,
          "10,000 speeches under 2 GB peak RSS (largest process)"))


def verdicts(result: dict) -> list[str]:
    """PASS/FAIL for each goal this run speaks to (its size and --jobs as the goal states)."""
    return [f"{'PASS' if met(result[key]) else 'FAIL'}: {text} ({key} = {result[key]})"
            for key, applies, met, text in GOALS if applies(result)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per figure, their median reported "
                    "(a shared machine's timings vary by a quarter from one run to the next)")
    ap.add_argument("--corpus", type=Path, help="measure a folder of speeches instead of synthetic "
                    "ones (--sizes is then ignored)")
    args = ap.parse_args()
    for n in ([None] if args.corpus else args.sizes):
        result = run(n, args.jobs, args.repeat, source=args.corpus)
        if args.corpus:
            result["corpus"] = str(args.corpus)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        for line in ([] if args.corpus else verdicts(result)):     # goals of the synthetic corpora
            print("  " + line, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
