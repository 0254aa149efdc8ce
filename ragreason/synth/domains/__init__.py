"""World builders, one per domain. Each exposes ``build(rng, lang, depth) -> World`` and ``CAPACITY``
(the deepest proof its worlds usually hold)."""

from __future__ import annotations

from . import kinship, ordering, properties, taxonomy

DOMAINS = {"kinship": kinship, "ordering": ordering, "taxonomy": taxonomy, "properties": properties}
