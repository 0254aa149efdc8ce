"""Option scoring's engine calls on an offline vLLM engine: which requests go to the engine together, under
which prefix-cache salt, so that an item's scores do not depend on what else is scored, and a problem that
several questions share is still computed once.

With bf16 weights on a CPU a score depends on the forward pass it was computed in (up to 0.24 in
log-probability between batch compositions; benchmarks/RESULTS.md, "Option scores and batching"), and a
prompt read from the prefix cache carries the numbers of whichever pass wrote it. Item by item
(``EngineOptions.batch_invariant``):

1. the item's shared part (its prompt up to the end of its problem text, ``Item.context``, in whole KV
   blocks) is computed in an engine call of its own, under a salt named by those tokens: every question of
   the problem finds the same blocks, computed the same way, whoever came first;
2. the item's requests go to the engine in one call under that salt, each reading what the earlier ones
   (and step 1) left in the cache;
3. vLLM reports how many tokens each request read from the cache; they are checked against what steps 1 and
   2 themselves left there. Anything else (blocks another question wrote past the shared part, blocks
   evicted) and the item runs again under a new salt, its shared part computed afresh.

Batched, every item's requests go in one call under one new salt: faster, and bf16 scores move with it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Generate = Callable[[list[Any], list[Any]], list[Any]]  # (inputs, params) -> outputs, in order


@dataclass(frozen=True)
class Unit:
    """One item's requests, in order: token ids and their ``SamplingParams``; ``shared``: how many leading
    tokens of its first request other items may begin with too (0: none)."""

    requests: tuple[tuple[list[int], Any], ...]
    shared: int = 0


class ScoringCalls:
    """Sends units to the engine (``generate``) item by item (``per_item``) or all in one call."""

    def __init__(self, generate: Generate, block_size: int, per_item: bool, plain: Any,
                 salts: dict[int, str]) -> None:
        self.generate = generate
        self.block_size = block_size
        self.per_item = per_item
        self.plain = plain  # SamplingParams of a request whose output is not read
        self._salts = salts  # shared part (by hash) -> the salt its blocks are kept under (the engine's, kept)

    def run(self, units: Sequence[Unit]) -> list[list[Any]]:
        """Each unit's outputs, in request order."""
        if not self.per_item:
            flat = [r for unit in units for r in unit.requests]
            outputs = iter(self._call(flat, uuid.uuid4().hex))
            return [[next(outputs) for _ in unit.requests] for unit in units]
        return [self._one(unit) for unit in units]

    def _one(self, unit: Unit) -> list[Any]:
        first = unit.requests[0][0]
        shared = min(unit.shared, len(first) - 1) // self.block_size * self.block_size
        if shared == 0:
            return self._call(list(unit.requests), uuid.uuid4().hex)
        key = hash(tuple(first[:shared]))
        for attempt in range(2):
            salt = self._salts.get(key) if attempt == 0 else None
            salt = salt or self._fresh(key)
            (made,) = self._call([(first[: shared + 1], self.plain)], salt)  # the shared blocks, alone
            if (made.num_cached_tokens or 0) not in (0, shared):  # some of them evicted: make them all anew
                salt = self._fresh(key)
                self._call([(first[: shared + 1], self.plain)], salt)
            outputs = self._call(list(unit.requests), salt)
            if [o.num_cached_tokens or 0 for o in outputs] == expected_hits(unit, shared, self.block_size):
                return outputs
            log.debug("scoring: an item read prefix-cache blocks it did not write; scoring it again")
            self._salts.pop(key, None)
        return outputs  # under a salt of its own, its shared part made just before: nothing else to read

    def _fresh(self, key: int) -> str:
        self._salts[key] = uuid.uuid4().hex
        return self._salts[key]

    def _call(self, requests: list[tuple[list[int], Any]], salt: str) -> list[Any]:
        from vllm.inputs import TokensPrompt

        inputs = [TokensPrompt(prompt_token_ids=ids, cache_salt=salt) for ids, _ in requests]
        return self.generate(inputs, [params for _, params in requests])


def expected_hits(unit: Unit, shared: int, block_size: int) -> list[int]:
    """The tokens each request of ``unit`` reads from the prefix cache when the cache holds the first
    ``shared`` tokens and whatever the unit's earlier requests wrote (whole blocks; never a request's last
    token), and nothing else."""
    first = unit.requests[0][0]
    cached = {tuple(first[:end]) for end in range(block_size, shared + 1, block_size)}
    hits = []
    for ids, params in unit.requests:
        hit = 0
        if not getattr(params, "skip_reading_prefix_cache", False):
            while hit + block_size <= len(ids) - 1 and tuple(ids[: hit + block_size]) in cached:
                hit += block_size
        hits.append(hit)
        cached.update(tuple(ids[:end]) for end in range(block_size, len(ids) + 1, block_size))
    return hits
