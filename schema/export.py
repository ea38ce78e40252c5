"""Export the schema SDL, sorted, to ``schema/schema.graphql``: ``python -m schema.export``.

The committed file is what clients read; a test fails when it and the code disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphql import lexicographic_sort_schema, print_schema

from backend.settings import Settings
from schema.root import build_schema

SDL_FILE = Path(__file__).with_name("schema.graphql")


def sorted_sdl() -> str:
    """The schema's SDL with types and fields in alphabetical order."""
    schema = build_schema(Settings())
    return print_schema(lexicographic_sort_schema(schema._schema)) + "\n"


def main() -> None:
    SDL_FILE.write_text(sorted_sdl())
    print(f"wrote {SDL_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
