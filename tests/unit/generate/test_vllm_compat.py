import sys

from ragreason.generate.vllm_compat import hidden_modules


def test_hidden_modules_are_restored():
    import json

    with hidden_modules(("json",)):
        assert "json" not in sys.modules
    assert sys.modules["json"] is json
