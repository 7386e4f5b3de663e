"""The ``policykg`` command line: parse arguments, call the library, explain its errors.

No pipeline or query logic lives here. Exit codes: 0 success; 1 bad input or usage, with a
message; 2 internal error; 3 the build completed but refused some files (listed).
``python build.py ARGS`` is the same as ``policykg ARGS``; with no arguments it builds.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import date, datetime
from pathlib import Path

import click

from policykg.graph.pipeline import build as build_graph
from policykg.graph.serve import DEFAULT_PORT, serve_build
from policykg.graph.store import current_build, open_store
from policykg.ontology.check import check_graph, load_export
from policykg.ontology.errors import PolicyKGError
from policykg.queries import api
from policykg.queries import audit as audit_lib
from policykg.queries.formats import Format, pivot, render, write_xlsx
from policykg.queries.publish import SWAPS
from policykg.queries.publish import publish as publish_build
from policykg.queries.remote import DEFAULT_GRAPH, DEFAULT_TIMEOUT, Endpoint, RemoteBackend
from policykg.queries.runner import list_queries, load_query
from policykg.viz import model as viz_model
from policykg.viz import site as viz_site
from policykg.viz import stats as viz_stats

#: The corpus shipped with the package (the repository's ``corpus/``).
BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"
EXIT_PARTIAL = 3
EXIT_FINDINGS = 4

FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice([f.value for f in Format]),
    default=Format.TABLE.value,
    show_default=True,
    help="Output format.",
)


def _remember(ctx: click.Context, param: click.Parameter, value):
    ctx.meta[f"policykg.{param.name}"] = value
    return value


def endpoint_options(command):
    """``--endpoint URL``, ``--graph IRI`` and ``--timeout SECONDS`` for a read command.

    Put it under ``@cli.command()`` and open the store with :func:`read_store`: the command
    then reads the local build, or the remote endpoint when ``--endpoint`` is given.
    """
    options = [
        click.option(
            "--endpoint",
            envvar="POLICYKG_ENDPOINT",
            metavar="URL",
            expose_value=False,
            callback=_remember,
            help="Read this remote SPARQL endpoint (its query URL) instead of the local build "
            "(env POLICYKG_ENDPOINT; credentials from POLICYKG_ENDPOINT_USER/_PASSWORD).",
        ),
        click.option(
            "--graph",
            envvar="POLICYKG_GRAPH",
            metavar="IRI",
            default=DEFAULT_GRAPH,
            show_default=True,
            expose_value=False,
            callback=_remember,
            help="With --endpoint: the graph `policykg publish` wrote; '' for the store's "
            "default graph, e.g. of `policykg serve` (env POLICYKG_GRAPH).",
        ),
        click.option(
            "--timeout",
            envvar="POLICYKG_TIMEOUT",
            type=click.FloatRange(min=0, min_open=True),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            expose_value=False,
            callback=_remember,
            help="With --endpoint: seconds to wait for each answer (env POLICYKG_TIMEOUT).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def read_store(ctx: click.Context):
    """The store a read command reads: the remote endpoint if given, else the current build."""
    url = ctx.meta.get("policykg.endpoint")
    if not url:
        return open_store(ctx.obj["out"])
    endpoint = Endpoint.from_env(
        url, graph=ctx.meta["policykg.graph"], timeout=ctx.meta["policykg.timeout"]
    )
    return RemoteBackend(endpoint)


def _set_out(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(dict)["out"] = value


def out_after_command() -> click.Option:
    """``--out DIR`` after a command's name (``policykg build --out DIR``, as DESIGN.md writes
    it) as well as before it (``policykg --out DIR build``); given after, it wins."""
    return click.Option(
        ["--out"],
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        expose_value=False,
        callback=_set_out,
        help="Directory builds are written to and read from (default: the --out given "
        "before the command, else $POLICYKG_OUT, else out).",
    )


class _Cli(click.Group):
    """Turns library errors into one-line messages and the documented exit codes; every
    command also takes ``--out DIR`` after its name."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(out_after_command())
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PolicyKGError as e:
            raise click.ClickException(str(e)) from e
        except click.UsageError as e:
            e.exit_code = 1
            raise
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # output piped into `head` and cut: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except Exception as e:  # a bug: say so, show where, exit 2
            traceback.print_exc()
            click.echo(f"policykg: internal error: {e!r} (please report it)", err=True)
            ctx.exit(2)


@click.group(cls=_Cli, invoke_without_command=True)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("out"),
    envvar="POLICYKG_OUT",
    show_default=True,
    help="Directory builds are written to and read from (env POLICYKG_OUT).",
)
@click.version_option(package_name="policykg")
@click.pass_context
def cli(ctx: click.Context, out: Path) -> None:
    """policykg: trace Vietnamese city tasks back to the central directives behind them."""
    ctx.obj = {"out": out}
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command()
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A directory of plan texts (repeatable). Default: the bundled corpus/.",
)
@click.pass_context
def build(ctx: click.Context, corpora: tuple[Path, ...]) -> None:
    """Build the graph from the corpus; replaces the previous build only when complete."""
    out: Path = ctx.obj["out"]
    report = build_graph(list(corpora) or [BUNDLED_CORPUS], out)
    counts = report.manifest()["counts"]
    in_corpus = len(report.files)
    click.echo(
        f"Built the graph from {in_corpus} file{'s' * (in_corpus != 1)} in "
        f"{report.seconds:.1f} s: {counts['documents']} documents, {counts['relations']} "
        f"relations, {counts['citations']} citations, {counts['central_directives']} central "
        f"directives, {counts['anomalies']} anomalies."
    )
    current = out / "current"
    findings = audit_lib.write_reports(open_store(out), report.build_dir, as_of=date.today())
    click.echo(f"  store:    {current / 'store'}")
    click.echo(f"  export:   {current / 'graph.nq'} ({report.quads} quads)")
    click.echo(f"  manifest: {current / 'manifest.json'}")
    click.echo(f"  audit:    {current / 'audit.html'} and audit.md ({findings} findings)")
    pages = viz_site.write_site(open_store(out), report.build_dir)
    click.echo(
        f"  pages:    {current / viz_site.PAGES_DIR / pages.index.name} ({pages.pages} pages)"
    )
    for duplicate in report.duplicates:
        click.echo(f"  note:     {duplicate}")
    if report.refused:
        click.echo(f"Refused {len(report.refused)} file(s); the rest was built:", err=True)
        for r in report.refused:
            click.echo(f"  {r}", err=True)
        ctx.exit(EXIT_PARTIAL)


@cli.command()
@FORMAT
@endpoint_options
@click.pass_context
def documents(ctx: click.Context, fmt: str) -> None:
    """List every document: in the corpus or only cited, with identity and relations."""
    rows = api.documents(read_store(ctx))
    columns = None
    if fmt != "json":
        columns = ["key", "type", "issuer", "date", "in_corpus", "central", "implements", "title"]
    click.echo(render(rows, fmt, columns), nl=False)


AS_OF = click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Reference date for who holds an agency's competence (default today).",
)


def _day(as_of: datetime | None) -> date:
    return as_of.date() if as_of else date.today()


@cli.command()
@click.option("--document", "document", help="Only the tasks of this plan (number, key or file).")
@AS_OF
@FORMAT
@endpoint_options
@click.pass_context
def tasks(ctx: click.Context, document: str | None, as_of: datetime | None, fmt: str) -> None:
    """List tasks with their plan, lead, coordinating agencies, deadline and source span.

    The lead and coordinating agencies are those the text names; "responsible" (in JSON)
    and "lead today" give who holds them on --as-of, after renames, mergers and abolitions.
    """
    rows = api.tasks(read_store(ctx), document, as_of=_day(as_of))
    if fmt == "json":
        click.echo(render(rows, fmt), nl=False)
        return
    flat = [
        {
            "key": r["key"],
            "lead": "; ".join(a["name"] for a in r["lead"]),
            "lead today": _today(r["responsible"], "lead"),
            "coordinating": "; ".join(a["name"] for a in r["coordinating"]),
            "deadline": (r["deadline"] or {}).get("text"),
            "text": r["text"],
        }
        for r in rows
    ]
    columns = ["key", "lead", "lead today", "coordinating", "deadline", "text"]
    click.echo(render(flat, fmt, columns), nl=False)


def _today(responsible: dict, role: str) -> str:
    """Who holds a role on the date, where it differs from the text ("" when unchanged)."""
    changed = [a for a in responsible[role] if a["in_place_of"]]
    gone = [n for n in responsible["no_successor"] if n["role"] == role]
    if not changed and not gone:
        return ""
    names = [a["name"] + (f" ({a['function']})" if a.get("function") else "") for a in changed]
    names += [f"{n['agency']['name']}: no successor" for n in gone]
    return "; ".join(dict.fromkeys(names))


@cli.command()
@click.argument("agency", required=False)
@AS_OF
@FORMAT
@endpoint_options
@click.pass_context
def agencies(ctx: click.Context, agency: str | None, as_of: datetime | None, fmt: str) -> None:
    """List the agencies tasks name, with how many tasks each leads, coordinates or is asked,
    and who holds each on --as-of (default today).

    With AGENCY (a name, "name@jurisdiction" or IRI): that agency's history of change events,
    with instruments and sources, and its successors on --as-of.
    """
    store = read_store(ctx)
    if agency is not None:
        one = api.agency_history(store, agency, _day(as_of))
        if fmt == "json":
            click.echo(render(one, fmt), nl=False)
            return
        status = one["as_of"]
        click.echo(
            f"{one['name']} ({one['jurisdiction']}) on {status['as_of']}: {status['status']}"
        )
        for s in status["successors"]:
            part = f" for {s['function']}" if s["function"] else f" ({s['share']})"
            click.echo(
                f"  carried by {s['name']}{part} since {s['since']} via {' > '.join(s['via'])}"
            )
        if status["note"]:
            click.echo(f"  no successor: {status['note']}")
        columns = ["date", "event", "kind", "part", "instrument", "confidence", "source"]
        click.echo(render(one["history"], fmt, columns, width=200), nl=False)
        return
    rows = api.agencies(store, _day(as_of))
    if fmt == "json":
        click.echo(render(rows, fmt), nl=False)
        return
    flat = [
        {
            **r,
            "status": r["as_of"]["status"],
            "since": r["as_of"]["ended_on"] or "",
            "successors": "; ".join(
                s["name"] + (f" ({s['function']})" if s["function"] else "")
                for s in r["as_of"]["successors"]
            ),
        }
        for r in rows
    ]
    columns = ["name", "jurisdiction", "collective", "lead", "coordinating", "requested"]
    columns += ["status", "since", "successors"]
    click.echo(render(flat, fmt, columns), nl=False)


@cli.command()
@click.argument("task", required=False)
@click.option("--document", "document", help="A document's number, key, IRI or file name.")
@FORMAT
@endpoint_options
@click.pass_context
def lineage(ctx: click.Context, task: str | None, document: str | None, fmt: str) -> None:
    """Paths from a task (or every task) or a document up to the central directives it reaches."""
    store = read_store(ctx)
    if document is not None:
        rows = api.lineage(store, document)
        subject = "document"
    else:
        rows = api.task_lineage(store, task)
        subject = "task"
    if fmt == "json":
        click.echo(render(rows, fmt), nl=False)
        return
    flat = []
    for r in rows:
        for p in r["paths"] or [None]:
            flat.append(
                {
                    subject: r[subject]["key"],
                    "path": " → ".join(d["number"] or d["key"] or d["iri"] for d in p)
                    if p
                    else "(no path to a central directive)",
                    "central": (p[-1]["number"] or p[-1]["key"]) if p else "",
                }
            )
    click.echo(render(flat, fmt, [subject, "path", "central"], width=200), nl=False)


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Check the current build: SHACL shapes (pySHACL) and consistency (owlready2 + HermiT)."""
    report = check_graph(load_export(current_build(ctx.obj["out"])))
    click.echo(report.summary())
    if not report.ok:
        ctx.exit(EXIT_FINDINGS)


@cli.command()
@click.option(
    "--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Reference date (default today)."
)
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(audit_lib.KINDS), help="Only these kinds."
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    type=click.Choice(audit_lib.KINDS),
    help="Exit 4 when a finding of this kind is found.",
)
@FORMAT
@endpoint_options
@click.pass_context
def audit(
    ctx: click.Context,
    as_of: datetime | None,
    kinds: tuple[str, ...],
    fail_on: tuple[str, ...],
    fmt: str,
) -> None:
    """Which tasks lack a legal basis, rest on replaced texts, or miss a lead or deadline."""
    when = as_of.date() if as_of else date.today()
    findings = audit_lib.audit(read_store(ctx), as_of=when, kinds=list(kinds) or None)
    rows = [f.as_dict() for f in findings]
    if fmt == "json":
        click.echo(render(rows, fmt), nl=False)
    else:
        flat = [
            {"kind": f.kind, "plan": f.plan, "subject": f.subject["label"], "message": f.message}
            for f in findings
        ]
        click.echo(render(flat, fmt, ["kind", "plan", "subject", "message"], width=120), nl=False)
    if any(f.kind in fail_on for f in findings):
        ctx.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter.")
@click.option("--list", "list_", is_flag=True, help="List the shipped queries.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*(f.value for f in Format), "xlsx"]),
    default=Format.TABLE.value,
    show_default=True,
    help="Output format (xlsx needs --output).",
)
@click.option(
    "--output", "-o", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE."
)
@click.option(
    "--pivot",
    "pivot_on",
    metavar="COLUMN",
    help="Put the values of COLUMN side by side (its counts become one column per value).",
)
@endpoint_options
@click.pass_context
def query(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    list_: bool,
    fmt: str,
    output: Path | None,
    pivot_on: str | None,
) -> None:
    """Run a query from queries/ by name, or any .rq file, with bound parameters."""
    if list_ or name is None:
        rows = [
            {
                "name": q.name,
                "parameters": ", ".join(p.name for p in q.params),
                "summary": q.summary,
            }
            for q in list_queries()
        ]
        fmt = fmt if fmt != "xlsx" else "table"
        click.echo(render(rows, fmt, ["name", "parameters", "summary"], width=90), nl=False)
        return
    values: dict[str, str] = {}
    for raw in params:
        key, sep, value = raw.partition("=")
        if not sep:
            raise click.UsageError(f"--param expects NAME=VALUE, got {raw!r}")
        values[key] = value
    spec = load_query(name)
    rows = api.query(read_store(ctx), name, values)
    columns = list(spec.columns) or None
    if pivot_on is not None:
        if rows and pivot_on not in rows[0]:
            raise click.UsageError(f"--pivot {pivot_on}: the query has no column {pivot_on!r}")
        counts = [c for c in (columns or []) if rows and isinstance(rows[0].get(c), int)]
        keys = [c for c in (columns or []) if c != pivot_on and c not in counts] or None
        rows, columns = pivot(rows, pivot_on, counts, keys)
    if fmt == "xlsx":
        if output is None:
            raise click.UsageError("--format xlsx writes a file: add --output FILE.xlsx")
        write_xlsx(rows, columns, output)
        click.echo(f"wrote {len(rows)} rows to {output}")
        return
    text = render(rows, fmt, columns)
    if output is not None:
        output.write_text(text, "utf-8")
        click.echo(f"wrote {len(rows)} rows to {output}")
    else:
        click.echo(text, nl=False)


@cli.command()
@click.option("--task", "task", help="A task's key or IRI.")
@click.option("--document", "document", help="A document's number, key, IRI or file name.")
@click.option("--agency", "agency", help="An agency's name, name@jurisdiction or IRI.")
@click.option("--overview", is_flag=True, help="The whole graph (plans, lineage, agencies).")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The HTML file to write (default: viz.html).",
)
@endpoint_options
@click.pass_context
def viz(
    ctx: click.Context,
    task: str | None,
    document: str | None,
    agency: str | None,
    overview: bool,
    output: Path | None,
) -> None:
    """Write an interactive lineage page (one HTML file that opens with no network)."""
    chosen = [
        n
        for n, v in (
            ("--task", task),
            ("--document", document),
            ("--agency", agency),
            ("--overview", overview),
        )
        if v
    ]
    if len(chosen) != 1:
        raise click.UsageError(
            "give exactly one of --task KEY, --document NUMBER, --agency NAME or --overview"
            + (f" (got {', '.join(chosen)})" if chosen else "")
        )
    store = read_store(ctx)
    corpus = viz_model.load_corpus(store)
    out = output or Path("viz.html")
    if task:
        path = viz_site.task_html(store, corpus, task, out)
    elif document:
        path = viz_site.document_html(store, corpus, document, out)
    elif agency:
        path = viz_site.agency_html(store, corpus, agency, out)
    else:
        path = viz_site.overview_html(store, corpus, out)
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--top", default=10, show_default=True, help="How many agencies and pairs.")
@click.option(
    "--section",
    type=click.Choice(["central", "agencies", "partners"]),
    help="Only this section (csv prints every section under a '# name' line otherwise).",
)
@FORMAT
@endpoint_options
@click.pass_context
def stats(ctx: click.Context, top: int, section: str | None, fmt: str) -> None:
    """Network figures: the cascade below each central directive, the most loaded agencies
    by role, and the agencies that most often work together."""
    result = viz_stats.stats(read_store(ctx), top)
    if section:
        result = {section: result[section]}
    if fmt == "json":
        click.echo(render(result if not section else result[section], fmt), nl=False)
        return
    columns = {
        "central": ["directive", "date", "documents_below", "plans", "tasks", "agencies", "depth"],
        "agencies": ["role", "rank", "agency", "jurisdiction", "tasks"],
        "partners": ["agency", "partner", "jurisdiction", "shared_tasks"],
    }
    for name, rows in result.items():
        if len(result) > 1:
            click.echo(f"# {name}")
        click.echo(render(rows, fmt, columns[name], width=70), nl=False)
        if len(result) > 1:
            click.echo("")


@cli.command()
@click.argument("graph", type=click.Choice(viz_stats.GRAPHS))
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@endpoint_options
@click.pass_context
def export(ctx: click.Context, graph: str, file: Path) -> None:
    """Write the lineage or coordination graph as GraphML (.graphml) or GEXF (.gexf) for Gephi."""
    store = read_store(ctx)
    path = viz_stats.export(store, viz_model.load_corpus(store), graph, file)
    click.echo(f"wrote {path}")


@cli.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's SPARQL query URL (Oxigraph: /query, Virtuoso: /sparql).",
)
@click.option(
    "--graph",
    metavar="IRI",
    default=DEFAULT_GRAPH,
    show_default=True,
    help="The named graph to replace with the build.",
)
@click.option(
    "--update-endpoint",
    metavar="URL",
    help="The SPARQL Update URL, if not the query URL (Oxigraph: /update, Virtuoso: /sparql-auth).",
)
@click.option(
    "--gsp-endpoint",
    metavar="URL",
    help="Upload through this Graph Store Protocol URL (Oxigraph: /store, Virtuoso: "
    "/sparql-graph-crud-auth) rather than by INSERT DATA.",
)
@click.option(
    "--swap",
    type=click.Choice(SWAPS),
    default="auto",
    show_default=True,
    help="How the new graph replaces the old one: `move` (one SPARQL MOVE; atomic for readers "
    "on Oxigraph), `virtuoso-group` (the graph is a Virtuoso graph group of one version "
    "graph, switched at once; needs the dba user), `auto` (virtuoso-group if the server says "
    "it is Virtuoso, else move).",
)
@click.option(
    "--timeout",
    envvar="POLICYKG_TIMEOUT",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for each request (env POLICYKG_TIMEOUT).",
)
@click.pass_context
def publish(
    ctx: click.Context,
    endpoint: str,
    graph: str,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    swap: str,
    timeout: float,
) -> None:
    """Upload the current build into a named graph of a SPARQL 1.1 store, replacing it at once.

    Credentials come from POLICYKG_ENDPOINT_USER and POLICYKG_ENDPOINT_PASSWORD
    (POLICYKG_ENDPOINT_AUTH=digest for digest authentication), never from the command line.
    """
    target = Endpoint.from_env(
        endpoint, graph=graph, update_url=update_endpoint, gsp_url=gsp_endpoint, timeout=timeout
    )
    report = publish_build(ctx.obj["out"], target, swap=swap)
    click.echo(
        f"Published {report.triples} triples in {report.chunks} request(s) "
        f"to <{report.graph}> at {endpoint} (swap: {report.swap})"
    )
    if report.removed_orphans:
        click.echo(f"  removed {report.removed_orphans} temporary graph(s) of an earlier publish")
    if report.removed_versions:
        click.echo(f"  removed {report.removed_versions} version graph(s) of earlier publishes")


@cli.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="Port on 127.0.0.1.",
)
@click.pass_context
def serve(ctx: click.Context, port: int) -> None:
    """Serve the current build read-only with the Oxigraph server and its query editor."""
    build_dir = current_build(ctx.obj["out"])

    def ready(url: str) -> None:
        click.echo(f"Serving {build_dir.name} read-only at {url} (SPARQL: {url}query)")
        click.echo("Press Ctrl-C to stop.")

    serve_build(build_dir / "store", port, on_ready=ready)
    click.echo("Stopped.")


def main() -> None:
    """Entry point of the ``policykg`` console script."""
    cli(prog_name="policykg")


if __name__ == "__main__":
    if len(sys.argv) == 1:
        sys.argv.append("build")
    main()
