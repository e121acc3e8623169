"""The lint rule ``grants-not-declared``: every object a migration creates has its grants said.

A created table, view, materialized view, sequence or function counts as declared when the
same file either revokes everything on it from PUBLIC, anon, authenticated and service_role
(``REVOKE ALL ON … FROM PUBLIC, anon, authenticated, service_role``; for a function
``REVOKE EXECUTE`` is the same), or registers it in ``vete.intended_grants`` (an ``INSERT``
naming it, then ``vete.apply_intended_grants()`` does the REVOKE and the GRANTs).
``CREATE OR REPLACE`` of a function or view is left alone: replacing keeps the grants
(and a new one is caught before COMMIT by the deployer's grant check, ``grants.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pglast import ast, enums

API_ROLES = frozenset({"public", "anon", "authenticated", "service_role"})
_OBJECT_KINDS = {
    enums.ObjectType.OBJECT_TABLE: "table",
    enums.ObjectType.OBJECT_SEQUENCE: "sequence",
    enums.ObjectType.OBJECT_FUNCTION: "function",
}


def _qualified(schema: str | None, name: str) -> str:
    return f"{schema or 'public'}.{name}"


def _relation(rel: Any) -> str:
    return _qualified(rel.schemaname, str(rel.relname))


def _function(parts: Any) -> str:
    names = [p.sval for p in parts or ()]
    return _qualified(names[0] if len(names) > 1 else None, names[-1])


def _permanent(rel: Any) -> bool:
    return rel is not None and rel.relpersistence != "t"


def _created(stmt: Any) -> tuple[str, str] | None:
    """(kind, schema.name) of what a statement creates, when it needs declared grants."""
    kind, rel = None, None
    if isinstance(stmt, ast.CreateStmt):
        kind, rel = "table", stmt.relation
    elif isinstance(stmt, ast.ViewStmt) and not stmt.replace:
        kind, rel = "view", stmt.view
    elif isinstance(stmt, ast.CreateTableAsStmt) and stmt.into is not None:
        kind, rel = "table", stmt.into.rel
    elif isinstance(stmt, ast.CreateSeqStmt):
        kind, rel = "sequence", stmt.sequence
    elif isinstance(stmt, ast.CreateFunctionStmt) and not stmt.replace:
        return "function", _function(stmt.funcname)
    if kind is None or not _permanent(rel):
        return None
    return kind, _relation(rel)


def _revoked_from_every_api_role(stmt: Any) -> list[tuple[str, str]]:
    """(kind, schema.name) of objects a REVOKE takes everything from, from all API roles."""
    if not isinstance(stmt, ast.GrantStmt) or stmt.is_grant:
        return []
    if stmt.targtype != enums.GrantTargetType.ACL_TARGET_OBJECT:
        return []
    kind = _OBJECT_KINDS.get(stmt.objtype) if stmt.objtype is not None else None
    if kind is None:
        return []
    privileges = {p.priv_name for p in stmt.privileges or ()}
    if privileges and not (kind == "function" and privileges == {"execute"}):
        return []
    roles = {
        "public" if r.roletype == enums.RoleSpecType.ROLESPEC_PUBLIC else str(r.rolename)
        for r in stmt.grantees or ()
    }
    if not roles >= API_ROLES:
        return []
    if kind == "function":
        return [(kind, _function(obj.objname)) for obj in stmt.objects or ()]
    return [(kind, _relation(obj)) for obj in stmt.objects or ()]


def _strings(tree: Any) -> Iterator[str]:
    """Every string constant in a parse tree (as pglast's dict form)."""
    if isinstance(tree, dict):
        if tree.get("@") == "String" and isinstance(tree.get("sval"), str):
            yield tree["sval"]
        for value in tree.values():
            yield from _strings(value)
    elif isinstance(tree, list | tuple):
        for value in tree:
            yield from _strings(value)


def _registered(stmt: Any) -> set[str]:
    """schema.name of every object an INSERT into vete.intended_grants names."""
    if not isinstance(stmt, ast.InsertStmt) or stmt.relation is None:
        return set()
    if (stmt.relation.schemaname, stmt.relation.relname) != ("vete", "intended_grants"):
        return set()
    return {s.split("(")[0].strip() for s in _strings(stmt(skip_none=True))}


def undeclared_grants(statements: list[tuple[int, str, Any]]) -> list[tuple[int, str]]:
    """(line, message) for each created object whose grants the file does not declare."""
    declared: set[str] = set()
    revoked: set[tuple[str, str]] = set()
    for _, _, stmt in statements:
        declared |= _registered(stmt)
        revoked |= set(_revoked_from_every_api_role(stmt))
    found = []
    for line, _, stmt in statements:
        created = _created(stmt)
        if created is None:
            continue
        kind, name = created
        # A view's grants are a table's: REVOKE ALL ON TABLE view_name.
        revoke_kind = "table" if kind == "view" else kind
        if name in declared or (revoke_kind, name) in revoked:
            continue
        found.append(
            (
                line,
                f"{kind} {name} is created without its grants: REVOKE ALL ON it FROM PUBLIC,"
                " anon, authenticated, service_role (Supabase grants ALL on new objects in"
                " public to anon and authenticated) and GRANT what is meant, or register it"
                " in vete.intended_grants and SELECT vete.apply_intended_grants()",
            )
        )
    return found
