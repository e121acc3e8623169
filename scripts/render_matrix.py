"""Write the authorization matrix (tests.security.matrix) into docs/reliability.md."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the matrix is test code: tests/security/matrix.py

from tests.security.matrix import render_markdown  # noqa: E402

DOCS = ROOT / "docs" / "reliability.md"
START, END = "<!-- matrix:start -->\n", "<!-- matrix:end -->\n"


def main() -> int:
    text = DOCS.read_text()
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    DOCS.write_text(head + START + render_markdown() + END + tail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
