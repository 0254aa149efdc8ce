"""Graph RAG: a CLUTRR kinship story -> a knowledge graph -> the retrieved relation path -> an answer.

    python examples/graph_rag.py [--n 3] [--votes 5]
"""

import argparse

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.data import load_items
from ragreason.generate import VLLMGenerator
from ragreason.models import default_llm_path
from ragreason.paths import shared_data_dir
from ragreason.retrieve import GraphRetriever, KnowledgeGraph

parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=3, help="stories to answer")
parser.add_argument("--votes", type=int, default=5)
args = parser.parse_args()

path = shared_data_dir() / "clutrr" / "gen_train23_test2to10__validation.csv"
items = load_items(path, "clutrr")[: args.n]

# Each story becomes its own graph (people as nodes, stated relations as edges); the retriever links
# the question's names to nodes and returns the relation paths between them, told as sentences.
retriever = GraphRetriever(build=KnowledgeGraph.from_clutrr, top_k=4)
for item in items:
    graph = KnowledgeGraph.from_clutrr(item)
    context = retriever.retrieve(item)
    print(f"\n{item.id}: {len(graph.nodes)} people, {len(graph)} relations")
    print(f"  question: {item.question}")
    print("  retrieved path:\n    " + "\n    ".join(h.doc.text for h in context.hits))

with VLLMGenerator(default_llm_path()) as generator:
    results = answer(items, Recipe(prompt=PromptSpec("direct"), sampling=Sampling(n=args.votes)), generator=generator,
                     retriever=retriever, progress=False)

for item, result in zip(items, results, strict=True):
    print(f"{item.id}: answer {result.choice} votes {result.votes} (gold {item.answer}: "
          f"{dict(zip(item.letters, item.options, strict=True))[item.answer]})")
