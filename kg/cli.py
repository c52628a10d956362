"""The ``kg`` command: a thin layer over kg.api."""
from __future__ import annotations

import csv
import json
import os
import sys
import unicodedata
from contextlib import contextmanager
from datetime import datetime

import click

from kg import __version__, api


def _fail(message: str) -> None:
    click.echo(f"kg: {message}", err=True)
    sys.exit(2)


DUPLICATES_LISTED = 20        # a build summary names this many copies; kg stats lists all
CHANGES_LISTED = 10           # …and this many changes of each kind; kg changes lists all
CHANGE_NAMES = {"speeches": "speeches", "entities": "entities", "targets": "targets", "roles": "people's roles"}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main():
    """kfq-kg: build and query a knowledge graph of development-zone speeches."""


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path())
@click.option("-o", "--output", "out_dir", default=api.DEFAULT_OUTPUT, show_default=True,
              help="Folder the graph files are written to.")
@click.option("-j", "--jobs", type=int, default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for extraction.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check.")
@click.option("--full", is_flag=True, help="Ignore the cache: extract, hash and write every speech again.")
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Also keep the graph in an on-disk Oxigraph store here (kg query -g DIR uses it).")
def build(inputs, out_dir, jobs, no_validate, full, store_dir):
    """Build the graph from INPUTS (files or folders; default: examples/).

    \b
    Example:
      kg build ../speeches -o output
    Exit status 1 if an input could not be read (everything else is still built).
    """
    try:
        with _progress_bar() as progress:
            report = api.build(list(inputs) or None, out_dir, jobs=jobs, validate_shapes=not no_validate,
                               full=full, progress=progress, store_dir=store_dir)
    except api.BuildLocked as e:
        _fail(str(e))
    except KeyboardInterrupt:
        click.echo(f"\nkg: stopped; every file in {out_dir} is whole (this build's where it got to write it, "
                   "else the last build's), and the speeches extracted so far are kept: the next kg build "
                   "carries on from them", err=True)
        sys.exit(130)
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    skipped = [p for p in report.problems if p.fatal]
    if report.up_to_date:
        click.echo(f"up to date: the same speeches and code as the last build into {out_dir}, "
                   "its files unchanged; nothing written (--full builds again)")
    click.echo(f"speeches read: {report.documents} (extracted {report.extracted}, "
               f"reused {report.reused} from the cache); files skipped: {len(skipped)}; "
               f"time: {report.seconds:.1f} s")
    for etype, n in report.entities_per_type.items():
        click.echo(f"  {etype:13} {n}")
    for dup in report.duplicates[:DUPLICATES_LISTED]:
        click.echo(f"  duplicate: {dup.document} repeats {dup.original} (similarity {dup.similarity})")
    if len(report.duplicates) > DUPLICATES_LISTED:
        click.echo(f"  … and {len(report.duplicates) - DUPLICATES_LISTED} more duplicate speeches "
                   "(kg stats or report.html lists them all)")
    if report.changes is not None and not any(c["added"] or c["removed"] for c in report.changes.values()):
        click.echo(f"changes since the build of {_when(report.changes_since)}: none to speeches, entities, "
                   "targets or people's roles")
    elif report.changes is not None:
        click.echo(f"changes since the build of {_when(report.changes_since)}:")
        _echo_changes(report.changes, CHANGES_LISTED, "  ")
    if report.violations:
        click.echo(f"SHACL: {len(report.violations)} violation(s), e.g. {report.violations[0]}", err=True)
    elif not no_validate and report.validated == 0:
        click.echo("SHACL: no new or changed speech to check (`kg validate` checks the whole graph)")
    elif not no_validate:
        checked = ("every speech" if report.validated == report.documents
                   else f"{report.validated} of the new or changed speeches")
        click.echo(f"SHACL: conforms ({checked} checked; `kg validate` checks the whole graph)")
    if report.outputs:
        click.echo("wrote: " + ", ".join(report.outputs))
    sys.exit(1 if skipped or report.violations else 0)


@contextmanager
def _progress_bar(stream=None):
    """A bar a stage of the build (see api.STAGES) on a terminal: the speeches extracted
    and written counted, the other stages shown as they start and end; nothing when
    output goes to a file or a pipe."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield None
        return
    shown: dict = {}                                        # the stage and its bar
    width = max(map(len, api.STAGES))

    def advance(done, total, stage):
        if shown.get("stage") != stage:
            if shown:
                shown["bar"].render_finish()
            counted = total > 1
            shown.update(stage=stage, bar=click.progressbar(
                length=total, label=stage.ljust(width), file=stream, show_pos=counted,
                show_percent=counted, show_eta=counted))
        bar = shown["bar"]
        bar.update(done - bar.pos)

    try:
        yield advance
    finally:
        if shown:
            shown["bar"].render_finish()


def _text(term) -> str:
    return "" if term is None else getattr(term, "value", str(term))


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _print_table(columns, rows):
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    pad = lambda s, w: s + " " * (w - _width(s))
    click.echo("  ".join(pad(c, w) for c, w in zip(columns, widths)).rstrip())
    click.echo("  ".join("-" * w for w in widths))
    for r in cells:
        click.echo("  ".join(pad(c, w) for c, w in zip(r, widths)).rstrip())
    click.echo(f"({len(cells)} rows)")


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.Path(exists=True, dir_okay=False),
              help="Read the query from a .rq file.")
@click.option("-n", "--name", help="Run a named query of the library (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind ?KEY to VALUE (repeatable); values are substituted, never pasted.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True,
              help="Output folder or graph file (.trig/.ttl).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              show_default=True)
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@click.option("--update", "allow_update", is_flag=True,
              help="Allow a SPARQL Update: it changes graph.trig and graph.ttl in place.")
@click.option("--limit", type=click.IntRange(min=0), help="Show at most this many rows (one page).")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip this many rows first (with --limit: the next page).")
def query(sparql, query_file, name, params, list_queries, source, fmt, engine, allow_update, limit, offset):
    """Run a SPARQL query over the built graph (named graphs unioned).

    \b
    Examples:
      kg query --list
      kg query --name targets_by_zone --param zone=临江高新区 --format csv
      kg query --name achieved_figures --limit 50 --offset 50
      kg query 'PREFIX kfq: <https://w3id.org/kfq-kg/ontology#>
                SELECT ?z WHERE { ?z a kfq:Zone }'
    SPARQL Update is refused unless --update is given.
    """
    from kg import queries
    if list_queries:
        for q in queries.library().values():
            click.echo(f"{q.name}: {q.question}")
            for p, desc in q.params.items():
                click.echo(f"    --param {p}=…  {desc}")
        return
    try:
        bound = queries.parse_params(list(params))
    except ValueError as e:
        _fail(str(e))
    if name:
        named = queries.library().get(name)
        if named is None:
            _fail(f"no named query {name!r} (see kg query --list)")
        missing = [p for p in named.required() if p not in bound]
        if missing:
            _fail(f"{name} needs --param " + ", ".join(f"{p}=…" for p in missing))
        unknown = sorted(set(bound) - set(named.params))
        if unknown:
            _fail(f"{name} takes no parameter {', '.join(unknown)} (see kg query --list)")
        sparql = named.text
    elif query_file:
        with open(query_file, encoding="utf-8") as f:
            sparql = f.read()
    if not sparql:
        _fail("give a SPARQL query, -f FILE.rq or --name NAME")
    try:
        if allow_update and api.is_update(sparql):
            before, after = api.update(source, sparql)
            click.echo(f"updated: {before} → {after} quads")
            return
        columns, rows = api.query(source, sparql, bound, engine, limit=limit, offset=offset)
    except (FileNotFoundError, api.UpdateRefused, api.BuildLocked) as e:
        _fail(str(e))
    except SyntaxError as e:
        _fail(f"SPARQL syntax error: {e}")
    if fmt == "table":
        _print_table(columns, rows)
    elif fmt in ("csv", "tsv"):
        w = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(columns)
        w.writerows([_text(v) for v in row] for row in rows)
    else:
        click.echo(json.dumps(api.results_json(columns, rows), ensure_ascii=False, indent=1))
    if getattr(rows, "more", False):     # on stderr beside csv/json, so the data stays clean
        click.echo(f"(more rows follow: --offset {offset + len(rows)} for the next page)", err=fmt != "table")


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True)
@click.option("--top", type=int, default=5, show_default=True,
              help="Most mentioned and most central entities per type, members per community.")
def stats(source, top):
    """Counts per entity type, the most mentioned and most central entities (PageRank),
    the communities (Leiden) and the duplicate speeches.

    \b
    Example:
      kg stats -g output --top 10
    """
    try:
        s = api.stats(source, top)
    except FileNotFoundError as e:
        _fail(str(e))
    click.echo(f"speeches: {s['speeches']}  triples: {s['triples']}")
    for etype, c in s["types"].items():
        top_labels = "、".join(f"{label}({n})" for label, n in s["top"].get(etype, []))
        click.echo(f"  {etype:13} {c['entities']:6} entities in {c['speeches']:4} speeches  {top_labels}")
    from kg import analysis
    g = analysis.projection(source)
    click.echo("most central (PageRank over relations and co-mentions):")
    for etype, ranked in sorted(analysis.central(g, top).items(), key=lambda kv: api._type_order(kv[0])):
        click.echo(f"  {etype:13} " + "、".join(label for label, _ in ranked))
    groups = analysis.communities(g, top)
    click.echo(f"communities (Leiden): {len(groups)}")
    for i, group in enumerate(groups[:top]):
        click.echo(f"  #{i} ({group['size']} entities): " + "、".join(group["central"]))
    if s["duplicates"]:
        click.echo(f"duplicates ({len(s['duplicates'])}, not counted in the speech counts above):")
        for copy, original, similarity in s["duplicates"]:
            click.echo(f"  {copy} repeats {original} (similarity {similarity:.2f})")


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True)
def validate(source):
    """Check the graph against the SHACL shapes in ontology/shapes.ttl.

    \b
    Example:
      kg validate -g output
    """
    from kg.validate import validate as run
    try:
        conforms, violations = run(api.graph_file(source))
    except FileNotFoundError as e:
        _fail(str(e))
    for v in violations:
        click.echo(v)
    click.echo("conforms" if conforms else f"{len(violations)} violation(s)")
    sys.exit(0 if conforms else 1)


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True)
@click.option("-o", "--output", "path", default=None, help="HTML file (default: GRAPH/view.html).")
@click.option("--max-nodes", type=int, default=300, show_default=True)
@click.option("--min-docs", type=int, default=1, show_default=True)
@click.option("--types", default=None, help="Comma-separated entity types, e.g. Zone,Industry.")
@click.option("--document", default=None, help="Only this speech's entities (its identifier).")
@click.option("--entity", default=None, help="An entity's label: show its neighbourhood.")
@click.option("--depth", type=int, default=1, show_default=True)
@click.option("--community", type=int, default=None, help="Only community K (numbers as in kg stats).")
def viz(source, path, max_nodes, min_docs, types, document, entity, depth, community):
    """Render an interactive offline HTML view of the graph.

    \b
    Example:
      kg viz --entity 新能源汽车 --depth 2 -o car.html
    """
    from kg import viz as views
    chosen = None
    if types:
        known = {t.lower(): t for t in views.VIEW_TYPES}
        names = [t.strip() for t in types.split(",") if t.strip()]
        unknown = [t for t in names if t.lower() not in known]
        if unknown or not names:
            raise click.BadParameter(f"unknown type(s) {', '.join(unknown) or repr(types)}; "
                                     f"choose from {', '.join(views.VIEW_TYPES)} (any case)",
                                     param_hint="'--types'")
        chosen = [known[t.lower()] for t in names]
    try:
        target = path or os.path.join(source if os.path.isdir(source) else os.path.dirname(source) or ".",
                                      "view.html")
        view = views.load_view(source)
        if entity is not None:
            exact, found = views.find_entities(view, entity)
            if found and not exact:
                labels = {n["id"]: n["label"] for n in view["nodes"]}
                shown = "、".join(labels[i] for i in found[:5]) + ("…" if len(found) > 5 else "")
                click.echo(f"no entity labelled '{entity}'; showing the {len(found)} whose label or alias "
                           f"contains it: {shown}")
        view = views.select(view, max_nodes=max_nodes, min_docs=min_docs, types=chosen, document=document,
                            entity=entity, depth=depth, community=community, substring=True)
        views.render_html(view, target)
    except FileNotFoundError as e:
        _fail(str(e))
    except LookupError as e:
        _fail(str(e.args[0]) if e.args else str(e))
    click.echo(f"wrote {target}")


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; the default serves this machine only.")
@click.option("--port", type=int, default=7878, show_default=True)
def serve(source, host, port):
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/query.

    \b
    Example:
      kg serve -g output &
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:7878/query
    """
    from kg.serve import serve as make
    try:
        server = make(source, host, port)
    except FileNotFoundError as e:
        _fail(str(e))
    except OSError as e:
        _fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    click.echo(f"SPARQL endpoint: http://{host}:{server.server_port}/query (read-only; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True,
              help="The output folder to push.")
@click.option("--store", "store_url", required=True,
              help="The store's Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store")
@click.option("--full", is_flag=True, help="Push every graph, not only the changed ones.")
def push(source, store_url, full):
    """Upload the graph to a SPARQL Graph Store (one named graph per speech + the ontology).

    \b
    Example:
      kg push -g output --store http://127.0.0.1:7878/store
    A later push replaces only changed speeches' graphs and deletes removed speeches'.
    """
    from kg.push import PushError, push as run
    try:
        report = run(source, store_url, full)
    except (FileNotFoundError, PushError) as e:
        _fail(str(e))
    click.echo(f"replaced {len(report.replaced)} graph(s), unchanged {len(report.unchanged)}, "
               f"deleted {len(report.deleted)}")


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "jsonld", "nquads", "csv"]), required=True)
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True)
@click.option("-o", "--output", "path", default=None,
              help="File (a folder for csv); default: in the graph's folder.")
@click.option("--co-mention", type=int, default=2, show_default=True,
              help="GraphML/GEXF: link two entities named together in at least this many speeches.")
def export_command(fmt, source, path, co_mention):
    """Export for Gephi (GraphML, GEXF), JSON-LD tools, N-Quads or spreadsheets (CSV).

    \b
    Examples:
      kg export --format gexf -o zones.gexf
      kg export --format csv -o tables/
    """
    from kg.export import export
    try:
        click.echo(f"wrote {export(source, fmt, path, co_mention)}")
    except FileNotFoundError as e:
        _fail(str(e))


@main.command(name="diff")
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
def diff_command(old, new):
    """What changed between two builds: speeches, entities, targets, people's roles.

    \b
    Example:
      cp -r output output-last-week && kg build speeches/ && kg diff output-last-week output
    """
    _echo_changes(api.diff(old, new))


@main.command()
@click.option("-g", "--graph", "source", default=api.DEFAULT_OUTPUT, show_default=True,
              type=click.Path(exists=True, file_okay=False), help="The build's output folder.")
def changes(source):
    """What the last build into a folder changed since the build before it: speeches,
    entities, targets, people's roles (kg build lists the first ten of each).

    \b
    Example:
      kg build speeches/ && kg changes
    """
    last = api.last_changes(source)
    if last is None:
        click.echo(f"{source}: no build there has an earlier one to compare with", err=True)
        sys.exit(1)
    built, since, change = last
    click.echo(f"the build of {_when(built)}, since the build of {_when(since)}:")
    _echo_changes(change)


def _when(iso_time: str) -> str:
    """A recorded build time (ISO 8601, UTC) as people read it: 2026-12-07 18:13:16 UTC."""
    try:
        return datetime.fromisoformat(iso_time).strftime("%Y-%m-%d %H:%M:%S %Z")
    except (TypeError, ValueError):
        return str(iso_time)


def _echo_changes(changes: dict, limit: int | None = None, indent: str = "") -> None:
    """Each kind's count of added and removed, then the items (at most ``limit`` of each
    sign and kind)."""
    for kind, change in changes.items():
        click.echo(f"{indent}{CHANGE_NAMES[kind]}: +{len(change['added'])} -{len(change['removed'])}")
        for sign in ("added", "removed"):
            items = change[sign]
            for item in items[:limit]:
                click.echo(f"{indent}  {'+' if sign == 'added' else '-'} " + " · ".join(x for x in item if x))
            if limit is not None and len(items) > limit:
                click.echo(f"{indent}  … and {len(items) - limit} more {sign} (kg changes lists them all)")


@main.command(name="eval")
@click.argument("source", type=click.Path(exists=True))
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of gold JSON files (format in the README).")
@click.option("--errors", type=int, default=0, show_default=True, help="List N missed and spurious per type.")
def eval_command(source, gold_dir, errors):
    """Precision, recall and F1 per type against annotated speeches.

    \b
    Example:
      kg eval output --gold my-annotations/ --errors 10
    """
    from kg.evaluate import evaluate
    scores = evaluate(source, gold_dir)
    click.echo(f"{'type':14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
    for etype, s in scores.items():
        click.echo(f"{etype:14}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6}{s.fp:6}{s.fn:6}")
    for etype, s in scores.items():
        for item in s.missed[:errors]:
            click.echo(f"  {etype} missed: {item}")
        for item in s.spurious[:errors]:
            click.echo(f"  {etype} spurious: {item}")


if __name__ == "__main__":
    main()
