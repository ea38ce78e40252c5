"""The board's templates escape exactly as Jinja's own autoescape does, only cheaper."""

from __future__ import annotations

from decimal import Decimal

import pytest
from jinja2 import Environment
from markupsafe import Markup

from board.pages import TEMPLATES
from board.templating import BoardEnvironment

SCRIPT = "<img src=x onerror=alert(1)>"


class Rendered:
    """An object that renders itself (MarkupSafe's ``__html__`` protocol)."""

    def __html__(self) -> str:
        return "<em>its own</em>"


VALUES = {
    "script": SCRIPT,
    "quotes": """Tom & Jerry's "best" <b>""",
    "number": 16,
    "decimal": Decimal("2.50"),
    "nothing": None,
    "markup": Markup("<option selected>Done</option>"),
    "rendered": Rendered(),
    "items": ["a<b", Markup("<i>c</i>")],
}

TEMPLATES_TO_COMPARE = [
    "{{ script }}|{{ quotes }}|{{ number }}|{{ decimal }}|{{ nothing }}|{{ missing }}",
    "{{ markup }}|{{ rendered }}|{{ script ~ markup }}|{{ items | join(', ') }}",
    "<a title=\"{{ quotes }}\" data-x='{{ quotes }}'>{{ quotes | lower }}</a>",
    "{% set kept %}<p>{{ script }}</p>{% endset %}{{ kept }}{{ kept | upper }}",
    "{% macro cell(text) %}<td>{{ text }}</td>{% endmacro %}{{ cell(script) }}",
    "{% filter upper %}{{ script }}{% endfilter %}",
    "{% autoescape false %}{{ markup }}{% endautoescape %}{{ script }}",
    "{% for item in items %}{{ loop.index }}{{ item }}{% endfor %}",
    "{{ {'X-CSRF-Token': quotes} | tojson }}",
]


@pytest.mark.parametrize("source", TEMPLATES_TO_COMPARE)
def test_board_templates_render_what_jinjas_autoescape_renders(source: str) -> None:
    board = BoardEnvironment(autoescape=True).from_string(source).render(VALUES)
    stock = Environment(autoescape=True).from_string(source).render(VALUES)
    assert board == stock
    assert SCRIPT not in board


def test_the_boards_pages_compile_to_the_cheaper_escape() -> None:
    # If a Jinja release renames the hook, pages stay correct but slow: say so here.
    assert isinstance(TEMPLATES.env, BoardEnvironment)
    source = TEMPLATES.env.compile("{{ title }}", raw=True)
    assert "environment.escaped_text(" in source
