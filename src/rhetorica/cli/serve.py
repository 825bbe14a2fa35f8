"""``rhetorica serve``: the local web app and JSON API."""

from __future__ import annotations

import typer

from rhetorica.cli.common import EXIT_STORE, EXIT_USAGE, cli_settings, err, fail, safe


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to bind; anything but loopback needs --token."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="TCP port."),
    token: str | None = typer.Option(None, "--token", envvar="RHETORICA_TOKEN",
                                     help="Access token clients must send (Bearer header, or "
                                          "?token= once in the browser). Env: RHETORICA_TOKEN."),
    db: str | None = typer.Option(None, "--db", help="Store path or URL (default: RHETORICA_DB "
                                  "or the user data dir)."),
    max_body: int = typer.Option(2_000_000, "--max-body", min=1024,
                                 help="Largest request body accepted, in bytes (else 413)."),
    workers: int = typer.Option(1, "--job-workers", min=1, max=8,
                                help="Background jobs (batch ingest) run at once."),
    processes: int | None = typer.Option(
        None, "--processes", min=0, max=16,
        help="Worker processes for analyses (0: inside the server process; default: one per "
             "core, at most 2, about 400 MB each). On 2 cores two workers answer 20 clients "
             "a third faster than one: the pipeline's models fill a core each."),
    pipeline: str | None = typer.Option(None, "--pipeline",
                                        help="Comma-separated component names (default: all)."),
    allow_host: list[str] = typer.Option(
        [], "--allow-host", metavar="NAME",
        help="Also answer requests whose Host is NAME (repeatable), e.g. a reverse proxy's "
             "name or a hosts-file alias. Loopback addresses (127.0.0.0/8, ::1) and localhost "
             "are always accepted on a loopback bind; other names get 421."),
    log_level: str = typer.Option("warning", "--log-level",
                                  help="uvicorn log level: critical, error, warning, info."),
) -> None:
    """Serve the web app and JSON API (http://127.0.0.1:8765 by default)."""
    from rhetorica.store import StoreError
    from rhetorica.web.settings import UnsafeBindError, WebSettings

    core = cli_settings(db, pipeline)
    settings = WebSettings(core=core, host=host, port=port, token=token,
                           max_body_bytes=max_body, job_workers=workers,
                           analysis_processes=default_processes() if processes is None
                           else processes, allowed_hosts=tuple(allow_host))
    try:
        settings.check()
    except UnsafeBindError as exc:
        fail(str(exc), EXIT_USAGE)

    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(f"cannot listen on {host}:{port}: {exc.strerror}; pass another --port",
                 EXIT_USAGE)

    import uvicorn

    from rhetorica.web.app import create_app

    try:
        app = create_app(settings)
    except StoreError as exc:
        fail(str(exc), EXIT_STORE)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown.strip('[]')}]" if ":" in shown else shown
    url = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"Rhetorica is serving on [bold]{safe(url)}[/] (Ctrl-C to stop)", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False,
                server_header=False, proxy_headers=False)


def default_processes() -> int:
    """Analysis worker processes when ``--processes`` is not given: one per core, at most
    two (each holds its own copy of the models)."""
    from rhetorica.pipeline import usable_cores

    return min(2, usable_cores())
