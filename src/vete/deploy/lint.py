"""Lint pending migrations: squawk's rules plus vete's own.

Dangerous DDL and missing timeouts come from squawk (the ``squawk-cli`` package), not from
rules of our own. Statements are split and analysed with PostgreSQL's own parser
(pglast) for the three rules squawk lacks:

* ``exception-when-others`` (error): a PL/pgSQL ``EXCEPTION WHEN OTHERS`` handler that does
  not re-raise turns every bug into a result: the original booking functions returned
  ``UNEXPECTED_ERROR`` on 2,100 of 2,100 calls and nobody noticed.
* ``security-definer-search-path`` (error): ``SECURITY DEFINER`` without ``SET search_path``
  lets a caller's objects shadow the ones the function means.
* ``overloaded-function-without-args`` (error): ``GRANT``/``COMMENT ON``/``DROP`` of a function
  name that has several overloads in the target database, written without its argument
  list, fails as "not unique" (and ``DROP … CASCADE`` would be ambiguous).
* ``grants-not-declared`` (error in vete's own migrations from 017 on, else a warning): a
  ``CREATE TABLE``/``VIEW``/``SEQUENCE``/``FUNCTION`` whose object the same file neither
  revokes from all of PUBLIC, anon, authenticated and service_role nor registers in
  ``vete.intended_grants``. On Supabase every new object in ``public`` starts with ALL for
  anon and authenticated (TRUNCATE included, which row-level security does not stop), and
  ``REVOKE … FROM PUBLIC`` alone leaves those grants in place.
* rules for a large live table (warnings, :mod:`vete.deploy.lint_size`): statements that
  rewrite an existing table or hold a strong lock on it for as long as its data takes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pglast
from pglast import ast, enums

from vete.deploy.files import Migration
from vete.deploy.lint_grants import undeclared_grants
from vete.deploy.lint_size import size_findings

# Rules left out on purpose: vete runs each file in one transaction, so re-runnable
# statements buy nothing, and int versus bigint is a modelling choice, not a hazard.
SQUAWK_EXCLUDED = ("prefer-robust-stmts", "prefer-bigint-over-int", "prefer-bigint-over-smallint")


@dataclass(frozen=True, slots=True)
class Finding:
    """One lint finding."""

    file: str
    line: int
    rule: str
    level: str  # "error" or "warning"
    message: str
    source: str  # "squawk" or "vete"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.level}: {self.message} [{self.rule}]"


def squawk_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("squawk")
    if beside_python.is_file():
        return str(beside_python)
    return shutil.which("squawk")


def run_squawk(migration: Migration, *, pg_version: str | None = None) -> list[Finding]:
    binary = squawk_binary()
    if binary is None:
        return [
            Finding(
                migration.label,
                1,
                "squawk-missing",
                "warning",
                "squawk is not installed (pip install squawk-cli): DDL rules not checked",
                "vete",
            )
        ]
    cmd = [binary, "--reporter", "json", "--exclude", ",".join(SQUAWK_EXCLUDED)]
    if not migration.no_transaction:
        cmd.append("--assume-in-transaction")
    if pg_version:
        cmd += ["--pg-version", pg_version]
    cmd += ["--stdin-filepath", migration.label]
    proc = subprocess.run(cmd, input=migration.sql, capture_output=True, text=True, check=False)
    try:
        raw = json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return [
            Finding(
                migration.label,
                1,
                "squawk-failed",
                "warning",
                f"squawk gave no report: {proc.stderr.strip()[:200]}",
                "vete",
            )
        ]
    findings = []
    for item in raw:
        level = "error" if str(item.get("level", "")).lower() == "error" else "warning"
        message = item.get("message", "")
        if item.get("help"):
            message = f"{message} {item['help']}"
        findings.append(
            Finding(
                migration.label,
                int(item.get("line", 0)) + 1,
                item.get("rule_name", "squawk"),
                level,
                message,
                "squawk",
            )
        )
    return findings


def _statements(migration: Migration) -> Iterator[tuple[int, str, Any]]:
    for piece in pglast.split(migration.sql, with_parser=True, only_slices=True):
        text = migration.sql[piece]
        line = migration.sql.count("\n", 0, piece.start) + 1
        yield line, text, pglast.parse_sql(text)[0].stmt


def _others_handlers_without_raise(tree: Any) -> int:
    """How many ``WHEN OTHERS`` handlers in a PL/pgSQL parse tree do not re-raise."""
    count = 0
    if isinstance(tree, dict):
        if "PLpgSQL_exception" in tree:
            exc = tree["PLpgSQL_exception"]
            names = [c["PLpgSQL_condition"].get("condname") for c in exc.get("conditions", [])]
            if "others" in names and '"PLpgSQL_stmt_raise"' not in json.dumps(exc.get("action")):
                count += 1
        for value in tree.values():
            count += _others_handlers_without_raise(value)
    elif isinstance(tree, list):
        for value in tree:
            count += _others_handlers_without_raise(value)
    return count


_OTHERS_HANDLER = re.compile(
    r"\bWHEN\s+OTHERS\s+THEN\b(?P<action>.*?)(?=\bWHEN\b[^;]*\bTHEN\b|\bEND\b\s*;?\s*\$)",
    re.IGNORECASE | re.DOTALL,
)


def _swallows_errors(create_function: str) -> bool:
    """True when a PL/pgSQL body has a WHEN OTHERS handler that does not re-raise.

    PostgreSQL's PL/pgSQL parser (through pglast) is used when it can read the body; it
    cannot resolve types from schemas other than pg_catalog and public (``vete.rule``
    variables, ``%ROWTYPE`` of such tables), and then a textual scan of the handlers
    stands in for it.
    """
    try:
        return _others_handlers_without_raise(pglast.parse_plpgsql(create_function)) > 0
    except pglast.parser.ParseError:
        body = re.sub(r"--[^\n]*", "", create_function)
        return any(
            not re.search(r"\bRAISE\b", m["action"], re.IGNORECASE)
            for m in _OTHERS_HANDLER.finditer(body)
        )


def _option(stmt: ast.CreateFunctionStmt, name: str) -> Any:
    for opt in stmt.options or ():
        if opt.defname == name:
            return opt.arg
    return None


def _has_search_path(stmt: ast.CreateFunctionStmt) -> bool:
    return any(
        opt.defname == "set" and getattr(opt.arg, "name", None) == "search_path"
        for opt in stmt.options or ()
    )


def _unqualified_functions(stmt: Any) -> list[tuple[str, ...]]:
    """Function names a GRANT/COMMENT/DROP names without an argument list."""
    objects: tuple[Any, ...] = ()
    func = enums.ObjectType.OBJECT_FUNCTION
    if isinstance(stmt, ast.GrantStmt) and stmt.objtype == func:
        objects = stmt.objects or ()
    elif isinstance(stmt, ast.CommentStmt) and stmt.objtype == func:
        objects = (stmt.object,)
    elif isinstance(stmt, ast.DropStmt) and stmt.removeType == func:
        objects = stmt.objects or ()
    return [
        tuple(part.sval for part in obj.objname or ())
        for obj in objects
        if isinstance(obj, ast.ObjectWithArgs) and obj.args_unspecified
    ]


def grant_findings(migration: Migration, *, required: bool) -> list[Finding]:
    """``grants-not-declared``: created objects whose grants the file does not declare."""
    level = "error" if required else "warning"
    return [
        Finding(migration.label, line, "grants-not-declared", level, message, "vete")
        for line, message in undeclared_grants(list(_statements(migration)))
    ]


def vete_rules(
    migration: Migration, overloaded: set[tuple[str, str]], *, require_grants: bool = False
) -> list[Finding]:
    """The rules squawk lacks; ``overloaded`` holds (schema, name) pairs of the target."""
    findings = grant_findings(migration, required=require_grants)
    findings += [
        Finding(migration.label, line, rule, "warning", message, "vete")
        for line, rule, message in size_findings(
            list(_statements(migration)), no_transaction=migration.no_transaction
        )
    ]
    overloaded_names = {name for _, name in overloaded}
    for line, text, stmt in _statements(migration):
        plpgsql_source: str | None = None
        if isinstance(stmt, ast.CreateFunctionStmt):
            language = _option(stmt, "language")
            if language is not None and language.sval == "plpgsql":
                plpgsql_source = text
            security = _option(stmt, "security")
            if security is not None and security.boolval and not _has_search_path(stmt):
                name = ".".join(p.sval for p in stmt.funcname or ())
                findings.append(
                    Finding(
                        migration.label,
                        line,
                        "security-definer-search-path",
                        "error",
                        f"SECURITY DEFINER function {name} has no SET search_path",
                        "vete",
                    )
                )
        elif isinstance(stmt, ast.DoStmt):
            plpgsql_source = text
        if plpgsql_source is not None:
            body = plpgsql_source
            if isinstance(stmt, ast.DoStmt):
                code = next(a.arg.sval for a in stmt.args or () if a.defname == "as")
                body = (
                    "CREATE FUNCTION vete_lint_do() RETURNS void LANGUAGE plpgsql"
                    f" AS $vete_lint$\n{code}\n$vete_lint$"
                )
            if _swallows_errors(body):
                findings.append(
                    Finding(
                        migration.label,
                        line,
                        "exception-when-others",
                        "error",
                        "EXCEPTION WHEN OTHERS without RAISE turns errors into"
                        " results; catch the conditions you expect and let the"
                        " rest raise",
                        "vete",
                    )
                )
        for parts in _unqualified_functions(stmt):
            schema, name = (parts[0], parts[-1]) if len(parts) > 1 else (None, parts[-1])
            hit = (schema, name) in overloaded if schema else name in overloaded_names
            if hit:
                findings.append(
                    Finding(
                        migration.label,
                        line,
                        "overloaded-function-without-args",
                        "error",
                        f"{'.'.join(parts)} has several overloads in"
                        " the target database: name it with its argument list",
                        "vete",
                    )
                )
    return findings


def lint_migration(
    migration: Migration,
    *,
    overloaded: set[tuple[str, str]] | None = None,
    pg_version: str | None = None,
    require_grants: bool = False,
) -> list[Finding]:
    """All findings for one migration, squawk's first. ``require_grants`` makes a missing
    grant declaration an error (vete's own migrations from 017 on) instead of a warning."""
    try:
        own = vete_rules(migration, overloaded or set(), require_grants=require_grants)
    except pglast.parser.ParseError as exc:
        own = [Finding(migration.label, 1, "syntax", "error", f"does not parse: {exc}", "vete")]
    return run_squawk(migration, pg_version=pg_version) + own
