"""A document's named fragments, each measured once whatever its spreads.

The depth and alias limits (``schema.limits``) and the cost estimate (``schema.cost``)
both measure a fragment where it is spread; a fragment spread at many places, inside
fragments spread at many places, is still measured only at its first spread, which keeps
both linear in the document. A spread of a fragment that is being measured (a cycle,
refused by graphql-core's ``NoFragmentCyclesRule``) or of an unknown one measures
``nothing``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from graphql import DocumentNode, FragmentDefinitionNode

M = TypeVar("M")


class FragmentMeasures(Generic[M]):
    """The measure of each named fragment of ``document``, computed at its first spread."""

    def __init__(
        self,
        document: DocumentNode,
        measure: Callable[[FragmentDefinitionNode], M],
        nothing: M,
    ) -> None:
        self._definitions = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self._measure = measure
        self._nothing = nothing
        self._measured: dict[str, M] = {}
        self._measuring: set[str] = set()

    def of(self, name: str) -> M:
        """The measure of fragment ``name``."""
        if name in self._measured:
            return self._measured[name]
        definition = self._definitions.get(name)
        if definition is None or name in self._measuring:
            return self._nothing
        self._measuring.add(name)
        try:
            measured = self._measure(definition)
        finally:
            self._measuring.discard(name)
        self._measured[name] = measured
        return measured
