"""Run the pipeline slowly over 12 items into OUT; the test kills this process part-way."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scripted import ScriptedGenerator  # noqa: E402

from ragreason import PromptSpec, Recipe, RunOptions
from ragreason.pipeline import answer  # noqa: E402
from ragreason.recipe import Sampling  # noqa: E402
from ragreason.types import Item  # noqa: E402

ITEMS = [Item(f"q{i}", f"Question {i}?", ("yes", "no"), "A") for i in range(12)]
SCRIPT = {item.id: ["Answer: A", "Answer: B", "Answer: A"] for item in ITEMS}

if __name__ == "__main__":
    delay = float(sys.argv[2]) if len(sys.argv) > 2 else 0.3
    answer(ITEMS, Recipe(prompt=PromptSpec("direct-en"), sampling=Sampling(n=3)),
           generator=ScriptedGenerator(SCRIPT, delay=delay), out=sys.argv[1], progress=False,
           options=RunOptions(batch_size=2))
