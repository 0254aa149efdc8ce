"""A fictional world no model can know: people, towns and organisations with attributes and relations,
written as a knowledge folder (one document per entity, plus paraphrased wordings kept for training, and
the same facts as triples) and four-option questions whose every gold is checked against the triples.

    from ragreason.synth.fiction import make_world, make_questions, write_world
    world = make_world(people=60, lang="en", seed=0)
    questions = make_questions(world, seed=0)
    write_world(world, questions, "runs/world")   # knowledge/, questions.jsonl, paraphrases.jsonl
"""

from .questions import QUESTION_KINDS, make_questions, solve
from .world import World, make_world
from .write import write_world

__all__ = ["QUESTION_KINDS", "World", "make_questions", "make_world", "solve", "write_world"]
