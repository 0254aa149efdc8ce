"""The prompt budget counts with the tokenizer of the model that serves the prompts."""

from transformers import AutoTokenizer

from ragreason.generate import FakeGenerator
from ragreason.prompt import ApproxTokenCounter, HFTokenCounter
from ragreason.prompt.tokens import ModelTokenCounter

TEXT = "The hermit of Valdoro keeps bees behind the old mill; 蜜蜂在磨坊后面。"


class Served:
    """A generator as the engines expose theirs: a ``tokenizer`` attribute."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer


def test_a_generators_tokenizer_counts_and_one_without_gets_the_estimate(tiny_model_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    by_model = ModelTokenCounter(Served(tokenizer)).count(TEXT)
    assert by_model == HFTokenCounter(tiny_model_dir).count(TEXT)
    assert by_model == len(tokenizer.encode(TEXT, add_special_tokens=False))
    assert by_model != ApproxTokenCounter().count(TEXT)  # so the check above can tell the two apart
    assert ModelTokenCounter(FakeGenerator()).count(TEXT) == ApproxTokenCounter().count(TEXT)
