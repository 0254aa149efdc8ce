"""Quickstart: index a knowledge folder, ask one question, see the retrieved context, the votes and the answer.

    python examples/quickstart.py [--knowledge knowledge/] [--votes 5]
"""

import argparse

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.data.knowledge import default_knowledge_dir, load_knowledge
from ragreason.embed import default_embedder
from ragreason.generate import VLLMGenerator
from ragreason.models import default_llm_path
from ragreason.retrieve import DenseRetriever
from ragreason.types import Item

parser = argparse.ArgumentParser()
parser.add_argument("--knowledge", default=str(default_knowledge_dir()), help="a folder of .md/.txt/.jsonl notes")
parser.add_argument("--votes", type=int, default=5)
args = parser.parse_args()

# 1. Index the folder (chunked, embedded with MiniLM, stored in FAISS; embeddings are cached on disk).
docs = load_knowledge(args.knowledge)
retriever = DenseRetriever.from_documents(docs, default_embedder("en"), top_k=2)
print(f"indexed {len(docs)} chunks from {args.knowledge}")

# 2. One closed-world question.
item = Item(
    id="q1",
    context="Anne is the mother of Bob. Bob is the father of Carl. Nothing else is known.",
    question="Who is Carl's grandmother?",
    options=("Bob", "Anne", "Nobody: it cannot be known", "Carl"),
    answer="B",
)

# 3. Retrieve, prompt, sample k answers in one vLLM call, vote.
with VLLMGenerator(default_llm_path()) as generator:
    [result] = answer([item], Recipe(prompt=PromptSpec("reasoning"), sampling=Sampling(n=args.votes)),
                      generator=generator, retriever=retriever, progress=False)

for hit in result.context.hits:
    print(f"context [{hit.score:.2f}] {hit.doc.id}: {hit.doc.text[:90]!r}")
for g in result.generations:
    print(f"sample: {g.text.strip()[-80:]!r}")
print(f"votes {result.votes}, abstentions {result.abstentions}")
print(f"answer {result.choice} (confidence {result.confidence:.2f}; gold {item.answer})")
