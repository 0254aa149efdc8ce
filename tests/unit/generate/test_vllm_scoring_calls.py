"""How the offline vLLM generator sends option scoring to the engine, with a scripted engine that keeps a
prefix cache the way vLLM's does (whole blocks, per cache salt, never read by a request that skips it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

pytest.importorskip("vllm")

from ragreason.generate import VLLMGenerator  # noqa: E402

BLOCK = 4


@dataclass
class ScriptedEngine:
    """``generate`` answers prompt log-probabilities of -0.01 x token id; positions read from the cache get
    none (vLLM leaves garbage there)."""

    calls: list[list[tuple[list[int], str]]] = field(default_factory=list)
    cached: dict[str, set[tuple[int, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.llm_engine = SimpleNamespace(model_config=SimpleNamespace(max_model_len=64))

    def generate(self, inputs, params, lora_request=None, use_tqdm=False):
        self.calls.append([(list(x["prompt_token_ids"]), x["cache_salt"]) for x in inputs])
        params = params if isinstance(params, list) else [params] * len(inputs)
        return [self._one(x["prompt_token_ids"], x["cache_salt"], p) for x, p in zip(inputs, params, strict=True)]

    def _one(self, ids, salt, params):
        blocks = self.cached.setdefault(salt, set())
        hit = 0
        if not params.skip_reading_prefix_cache:
            while hit + BLOCK <= len(ids) - 1 and tuple(ids[: hit + BLOCK]) in blocks:
                hit += BLOCK
        blocks.update(tuple(ids[:end]) for end in range(BLOCK, len(ids) + 1, BLOCK))
        logprobs = [None] + [{t: SimpleNamespace(logprob=-0.01 * t)} if j > hit else {}
                             for j, t in enumerate(ids) if j > 0]
        return SimpleNamespace(prompt_logprobs=logprobs, num_cached_tokens=hit, outputs=[])


def scripted(batch_invariant: bool) -> tuple[VLLMGenerator, ScriptedEngine]:
    gen = VLLMGenerator("unused", batch_invariant=batch_invariant, dtype="bfloat16", device="cpu")
    engine = ScriptedEngine()
    gen._llm = engine
    return gen, engine


def group(prefix: list[int], *tails: list[int]) -> list[tuple[list[int], int]]:
    return [(prefix + tail, len(prefix)) for tail in tails]


def test_each_item_goes_to_the_engine_alone_with_a_prefix_cache_of_its_own():
    gen, engine = scripted(batch_invariant=True)
    groups = [group(list(range(10, 19)), [50], [51, 52]), group(list(range(10, 19)), [53])]
    found = gen._group_logprobs(groups, None)
    assert found == [[[-0.5], [-0.51, -0.52]], [[-0.53]]]
    assert [len(call) for call in engine.calls] == [2, 1]  # one call per item
    salts = [{salt for _, salt in call} for call in engine.calls]
    assert all(len(s) == 1 for s in salts) and salts[0] != salts[1]  # the second item reads nothing of the first


def test_batched_scoring_sends_every_item_in_one_call():
    gen, engine = scripted(batch_invariant=False)
    groups = [group(list(range(10, 19)), [50]), group(list(range(20, 29)), [53])]
    assert gen._group_logprobs(groups, None) == [[[-0.5]], [[-0.53]]]
    assert [len(call) for call in engine.calls] == [2]


def test_an_option_whose_first_scored_token_was_read_from_the_cache_is_computed_again():
    gen, engine = scripted(batch_invariant=True)
    prefix = [10, 11, 12, 13, 14, 15]  # the long option fills the block [12, 13, 14, 15] ... with the short one's
    found = gen._group_logprobs([group(prefix[:2], [12, 13, 14, 15, 16], [12, 13, 14, 15, 16, 17])], None)
    assert found == [[[-0.12, -0.13, -0.14, -0.15, -0.16], [-0.12, -0.13, -0.14, -0.15, -0.16, -0.17]]]
    assert len(engine.calls) == 2 and engine.calls[1] == [([10, 11, 12, 13, 14, 15, 16, 17], engine.calls[1][0][1])]


def test_a_sequence_longer_than_the_engine_allows_is_refused_by_name():
    gen, _ = scripted(batch_invariant=True)
    with pytest.raises(Exception, match="longer than the engine's max_model_len of 64"):
        gen._group_logprobs([group(list(range(100)), [5])], None)
