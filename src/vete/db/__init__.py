"""Connections, pools and the embedded server: the one way vete reaches PostgreSQL."""

from vete.db.connect import (
    Target,
    aconnect,
    connect,
    describe_host,
    describe_target,
    make_async_pool,
    make_pool,
    parse_url,
    redact,
    resolve_database_url,
)
from vete.db.embedded import EmbeddedServer

__all__ = [
    "EmbeddedServer",
    "Target",
    "aconnect",
    "connect",
    "describe_host",
    "describe_target",
    "make_async_pool",
    "make_pool",
    "parse_url",
    "redact",
    "resolve_database_url",
]
