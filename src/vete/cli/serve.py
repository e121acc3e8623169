"""``vete serve`` (deploy pending migrations, then serve the API and pages) and ``vete token``."""

from __future__ import annotations

import os
import sys

import typer

from vete.cli.output import console, err_console, print_json
from vete.config import get_settings
from vete.db import connect, resolve_database_url
from vete.errors import NotFound


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    yes: bool = typer.Option(
        False, "--yes", "-y", help="Deploy pending migrations to a non-local database."
    ),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Load the demo data and offer the demo sign-in (demo users, no password).",
    ),
    workers: int = typer.Option(1, "--workers", min=1, help="uvicorn worker processes."),
    pool_size: int = typer.Option(
        10,
        "--pool-size",
        min=1,
        help="Database connections per worker process.",
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1",
        "--forwarded-allow-ips",
        help="Proxies whose X-Forwarded-Proto/For are trusted (uvicorn's; comma-separated, '*').",
    ),
    log_level: str = typer.Option("info", "--log-level"),
) -> None:
    """Serve the HTTP API (/api, /docs), the web pages (/), /health and /metrics.

    First deploys pending migrations through the deployer (a non-local database needs
    --yes, as `vete db deploy` does). Without DATABASE_URL it uses the embedded database
    and loads the demo into it when it is empty. The demo sign-in (pick a demo user, no
    password) is offered only with --demo; otherwise the pages sign in with an access
    token (a JWT, as the API takes it). The session cookie is Secure when the request came
    over https, as uvicorn sees it: behind a proxy that terminates TLS, list the proxy in
    --forwarded-allow-ips so its X-Forwarded-Proto is believed. Logs are JSON lines with a
    request id.
    """
    import uvicorn

    from vete import deploy as deployer
    from vete import reads
    from vete.api.observe import configure_logging
    from vete.app import app_from_settings
    from vete.demo import load_demo

    configure_logging(log_level.upper())
    settings = get_settings()
    embedded = not settings.database_url
    url = resolve_database_url(settings)
    report = deployer.deploy(
        url,
        deployer.vete_source(),
        # The embedded database is a local dev copy: no pg_dump before each start.
        deployer.DeployOptions(yes=yes, backup=not embedded),
        lambda message, migration: err_console.print(
            f"deploy: {message}{' ' + migration.label if migration else ''}", highlight=False
        ),
    )
    if report.applied:
        err_console.print(f"deploy: applied {len(report.applied)} migration(s)")
    with connect(url) as conn:
        load = demo or (embedded and reads.is_empty(conn))
        conn.rollback()
        if load:
            summary = load_demo(conn)
            err_console.print(f"demo: {summary.clinics} clinics, {summary.profiles} profiles")
    if not demo:
        err_console.print("sign-in: with an access token (`vete serve --demo` for demo users)")
    # What this command decided, passed on explicitly (never written into os.environ).
    settings = settings.model_copy(
        update={"database_url": url, "demo_login": demo, "pool_size": pool_size}
    )
    err_console.print(f"serving on http://{host}:{port}/  (API docs: /docs)")
    if workers > 1:
        # uvicorn starts each worker from an import string: this process becomes uvicorn
        # (same pid, so signals reach it), its workers reading these settings from the
        # environment it is given.
        workers_cmd = [
            sys.executable, "-m", "uvicorn", "vete.app:app_from_settings", "--factory",
            "--host", host, "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--log-level", log_level,
            "--proxy-headers", "--forwarded-allow-ips", forwarded_allow_ips,
        ]  # fmt: skip
        os.execve(sys.executable, workers_cmd, settings.environment())
    uvicorn.run(
        app_from_settings(settings),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        log_level=log_level,
        # uvicorn believes X-Forwarded-Proto (the https that makes the cookie Secure) and
        # X-Forwarded-For only from these addresses.
        proxy_headers=True,
        forwarded_allow_ips=forwarded_allow_ips,
    )


def token_cmd(
    user: str = typer.Option(..., "--user", help="Login email of the user, e.g. maria@demo.vete."),
    ttl: int = typer.Option(3600, "--ttl", min=1, help="Seconds until the token expires."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document instead of text."),
) -> None:
    """Mint an HS256 token (sub, role=authenticated, aud, exp) for a user, by email.

    Signed with VETE_JWT_SECRET, or the secret `vete serve` keeps in the data directory.
    Use it as `Authorization: Bearer <token>`.
    """
    from vete import reads
    from vete.api import mint_token
    from vete.api.auth import shared_secret

    with connect(resolve_database_url()) as conn:
        user_id = reads.user_id_by_email(conn, email=user)
        conn.rollback()
    if user_id is None:
        raise NotFound(f"no profile with email {user!r} (run `vete demo` for the demo users)")
    token = mint_token(shared_secret(), user_id=user_id, ttl_s=ttl)
    if as_json:
        print_json({"token": token, "sub": str(user_id), "expires_in": ttl})
    else:
        console.print(token, highlight=False, soft_wrap=True)
