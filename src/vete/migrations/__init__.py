"""vete's own SQL migrations, shipped as package data (with revert/ and verify/).

This package is data: it depends on nothing else in vete. The deployer (``vete.deploy``)
reads it; the test plugin builds its template through the deployer
(``vete.testing.plugin.apply_schema``).
"""

from __future__ import annotations

from pathlib import Path

MIGRATIONS_DIR = Path(__file__).parent
