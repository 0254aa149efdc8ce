import pytest

from ragreason import PromptSpec, Recipe, Sampling
from ragreason.data.prior import LetterPrior
from ragreason.generate import FakeGenerator
from ragreason.orders import Permutations
from ragreason.pipeline import run_key
from ragreason.recipe import RecipeError
from ragreason.types import Item
from ragreason.vote import Fallback, Voter

SOLVED = [Item(f"q{i}", "?", ("a", "b", "c", "d"), "ABCD"[i % 4]) for i in range(8)]


class FakeRetriever:  # the key names the retriever's kind
    def retrieve_many(self, items, top_k=None):
        return [None] * len(items)


def prompt(template: str, **given) -> PromptSpec:
    return PromptSpec(template, **{"max_context_tokens": None, **given})


def test_the_run_key_of_each_recipe_is_the_one_its_answer_files_were_written_under():
    """Keys of answer files written before recipes existed (a rerun resumes them): each recipe below is the
    settings those files were answered with, and the key is the one stored in them."""
    prior, gen = LetterPrior.fit(SOLVED), FakeGenerator()
    keys = {
        "31e9a9478ac5df6f": run_key(Recipe(prompt=prompt("reasoning")), gen, None),
        "faa425003cc97124": run_key(Recipe(prompt=prompt("direct", max_context_tokens=768), sampling=Sampling(n=5),
                                           score="text", adapter="ft", top_k=3), gen, FakeRetriever()),
        "a9eccf614905013d": run_key(Recipe(prompt=prompt("direct", closed_world=False, shots=2),
                                           sampling=Sampling(n=0), score="label", voter=Voter(tie_break="first"),
                                           fallback=Fallback("score", method="label"), permutations=Permutations(2),
                                           calibrate="pride", prior=True), gen, None, prior=prior),
        "0739da3458df02de": run_key(Recipe(prompt=prompt("cloze", max_context_tokens=384), sampling=Sampling(n=0),
                                           score="cloze-pmi", fallback=Fallback("prior", prior), calibrate="fitted"),
                                    gen, FakeRetriever(), examples=SOLVED, chosen_on=SOLVED),
        "9c4b77d6c08d2dd1": run_key(Recipe(prompt=prompt("direct"), calibrate="batch",
                                           sampling=Sampling(n=3, temperature=0.5, max_tokens=32, constrained=True,
                                                             separate=True, stop=("x",))), gen, None),
    }
    assert [stored for stored, made in keys.items() if stored != made] == []


def test_every_problem_of_a_recipe_is_listed_at_once():
    with pytest.raises(RecipeError) as error:
        Recipe(sampling=Sampling(n=0), calibrate="platt", top_k=0)
    assert len(error.value.problems) == 3
    assert "needs a score" in str(error.value) and "calibrate: must be one of" in str(error.value)
    with pytest.raises(RecipeError, match="prior weighs"):
        Recipe(score="label", prior=True)
    with pytest.raises(RecipeError, match="option orders"):
        Recipe(score="label", calibrate="batch", permutations=2)
    assert Recipe(score="label", calibrate="pride", permutations="all").permutations == Permutations(None)


def test_two_recipes_made_alike_are_equal():
    assert Recipe(score="text") == Recipe(score="text") != Recipe(score="label")
    with pytest.raises(TypeError):
        Recipe(PromptSpec("direct"))  # settings by name only: prompt and sampling are not told apart by position
