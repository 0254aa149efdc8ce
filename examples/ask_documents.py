"""Ask your own documents: index a folder, answer four-option questions, see each answer with the documents
it rests on (those the answering model kept of what retrieval found).

    python examples/ask_documents.py [--knowledge DIR --questions F.jsonl] [--limit 6]

Without a folder it writes a small fictional world (`ragreason synth world`) to a temporary folder and asks
one question of each kind: facts no model knows, so a right answer comes from a document.
"""

import argparse
import tempfile
from pathlib import Path

from ragreason import PromptSpec, Recipe, Sampling, answer, load_items
from ragreason.generate import VLLMGenerator
from ragreason.models import default_llm_path
from ragreason.retrieve import RetrievalSpec, build_retriever
from ragreason.synth.fiction import make_questions, make_world, write_world

parser = argparse.ArgumentParser()
parser.add_argument("--knowledge", help="a folder of .md/.txt/.jsonl documents (default: a generated world)")
parser.add_argument("--questions", help="mcq JSONL: question, options, answer (needed with --knowledge)")
parser.add_argument("--limit", type=int, default=6)
args = parser.parse_args()

with tempfile.TemporaryDirectory(prefix="ragreason-ask-") as tmp:
    if args.knowledge is None:  # 1. A world to ask about: documents, and questions whose golds are checked.
        world = make_world(20, lang="en", seed=0)
        write_world(world, make_questions(world), tmp)
        args.knowledge, args.questions = f"{tmp}/knowledge", f"{tmp}/questions.jsonl"
    items = load_items(Path(args.questions), "mcq")
    by_kind = {i.meta.get("kind", i.id): i for i in reversed(items)}  # one of each kind, if the file has kinds
    items = list(by_kind.values())[: args.limit] if len(by_kind) < len(items) else items[: args.limit]

    # 2. Hybrid retrieval (FAISS + BM25) over the folder; the answering model keeps the documents it needs.
    retriever = build_retriever(RetrievalSpec(kind="hybrid", knowledge=args.knowledge), items)
    with VLLMGenerator(default_llm_path()) as generator:  # 3. Each option's text scored as the answer.
        results = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=0), score="cloze-pmi"),
                         generator=generator, retriever=retriever, progress=False)

for item, result in zip(items, results, strict=True):
    said, gold = (item.options[ord(x) - ord("A")] if x else "-" for x in (result.choice, item.answer))
    print(f"Q: {item.question}\nA: {said}  (gold: {gold})")
    for hit in result.context.hits:
        print(f"   rests on [{hit.score:.2f}] {hit.doc.text.splitlines()[0]}: {hit.doc.text.splitlines()[-1][:80]!r}")
