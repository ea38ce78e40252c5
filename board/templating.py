"""The board's Jinja environment: autoescaped, with escaping that costs less per value.

Under autoescape, every ``{{ value }}`` compiles to ``markupsafe.escape(value)``, which
since MarkupSafe 3 is a Python function that wraps the escaped text in a new ``Markup``:
about a microsecond per value, half the time of rendering a roadmap of 2,500
deliverables (issue 22). The board's templates compile ``{{ value }}`` to
``escaped_text(value)`` instead: the text MarkupSafe's escape makes (the replacements of
its pure-Python version, the same ``__html__`` protocol), as plain text. What an output
writes is only ever joined into the page, so it never needed to be a ``Markup``; filters,
macros, ``{% set %}`` blocks and ``{% autoescape %}`` switches still escape as Jinja does.

The hook is Jinja's ``code_generator_class``; the method it overrides is internal to
Jinja (3.1), so ``tests/unit/test_board_templating.py`` renders through both
environments and fails if they ever differ, or if the hook stops being used.
"""

from __future__ import annotations

from jinja2 import Environment, nodes
from jinja2.compiler import CodeGenerator, Frame


def escaped_text(value: object) -> str:
    """``str(markupsafe.escape(value))``, without making a ``Markup`` on the way."""
    if type(value) is str:
        text = value
    else:
        html = getattr(value, "__html__", None)
        if html is not None:
            safe: str = html()
            return safe
        text = str(value)
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


class _EscapedTextCodeGenerator(CodeGenerator):
    def _output_child_pre(
        self, node: nodes.Expr, frame: Frame, finalize: CodeGenerator._FinalizeInfo
    ) -> None:
        # Jinja writes "escape(" here; its _output_child_post closes what this opens.
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escaped_text(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class BoardEnvironment(Environment):
    """A Jinja environment whose ``{{ value }}`` outputs escape through ``escaped_text``
    (when autoescaping, which the board always does)."""

    code_generator_class = _EscapedTextCodeGenerator
    escaped_text = staticmethod(escaped_text)
