"""Competition: load competition JSONL, answer with RAG + 5 votes, write the submission file.

    python examples/competition.py [--data questions.jsonl] [--out out/] [--limit 20]

Without --data it generates a small verified Chinese set (ragreason.synth) to stand in for yours.
Answers go to out/answers.jsonl as they are made: stop it and run it again, and it resumes.
"""

import argparse
from pathlib import Path

from ragreason import PromptSpec, Recipe, Sampling, answer
from ragreason.data import flatten, load_problems
from ragreason.data.knowledge import default_knowledge_dir, load_knowledge
from ragreason.data.submission import write_submission
from ragreason.embed import default_embedder
from ragreason.generate import VLLMGenerator
from ragreason.models import default_llm_path
from ragreason.retrieve import DenseRetriever, HybridRetriever, LexicalRetriever
from ragreason.synth import SynthConfig, generate_problems, write_jsonl
from ragreason.vote import Fallback

parser = argparse.ArgumentParser()
parser.add_argument("--data", type=Path)
parser.add_argument("--out", type=Path, default=Path("competition-out"))
parser.add_argument("--limit", type=int, default=20, help="questions to answer (0: all)")
parser.add_argument("--votes", type=int, default=5)
args = parser.parse_args()

if args.data is None:
    args.data = args.out / "questions.jsonl"
    write_jsonl(generate_problems(8, SynthConfig(lang="zh", seed=7)), args.data)
problems = load_problems(args.data, "competition")
items = flatten(problems)[: args.limit or None]
print(f"{len(problems)} problems, answering {len(items)} questions from {args.data}")

# Hybrid retrieval over the shipped knowledge notes: dense (FAISS) + BM25 (jieba for Chinese), fused by rank.
docs = load_knowledge(default_knowledge_dir())
retriever = HybridRetriever([DenseRetriever.from_documents(docs, default_embedder("zh")), LexicalRetriever(docs)],
                            top_k=3)

with VLLMGenerator(default_llm_path()) as generator:
    # Questions no sample names an option for are answered by the calibrated letter scores: no blank answer.
    answers = answer(items,
                     Recipe(prompt=PromptSpec("reasoning", max_context_tokens=512),
                            sampling=Sampling(n=args.votes, max_tokens=256), calibrate="batch",
                            fallback=Fallback("score", method="label")), generator=generator, retriever=retriever,
                     out=args.out / "answers.jsonl")

report = write_submission(problems, {a.item_id: a.choice for a in answers}, args.out / "submission.jsonl")
scored = [(a, i) for a, i in zip(answers, items, strict=True) if i.answer]
print(f"accuracy {sum(a.choice == i.answer for a, i in scored)}/{len(scored)}; "
      f"{sum(a.fallback is not None for a in answers)} answered by the scores (no readable vote)")
print(f"submission: {report.path} ({report.questions} questions, {len(report.unanswered)} unanswered)")
