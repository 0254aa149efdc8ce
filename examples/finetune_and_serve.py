"""Fine-tune and serve: train a LoRA adapter on the CPU, start a vLLM OpenAI server with it, query it
with the ``openai`` client.

    python examples/finetune_and_serve.py [--problems 40] [--steps 30] [--out ft-out/]
"""

import argparse
from pathlib import Path

from openai import OpenAI

from ragreason.data import flatten, load_problems
from ragreason.extract import extract_choice
from ragreason.finetune import TrainSpec, finetune
from ragreason.generate import VLLMServer
from ragreason.models import default_llm_path
from ragreason.prompt import PromptBuilder
from ragreason.synth import SynthConfig, generate_problems, write_jsonl

parser = argparse.ArgumentParser()
parser.add_argument("--problems", type=int, default=40, help="generated training problems")
parser.add_argument("--steps", type=int, default=30, help="optimizer steps")
parser.add_argument("--out", type=Path, default=Path("ft-out"))
args = parser.parse_args()

write_jsonl(generate_problems(args.problems, SynthConfig(lang="en", seed=0)), args.out / "train.jsonl")
write_jsonl(generate_problems(4, SynthConfig(lang="en", seed=1)), args.out / "test.jsonl")
train = flatten(load_problems(args.out / "train.jsonl", "competition"))
test = flatten(load_problems(args.out / "test.jsonl", "competition"))

# The builder renders the training examples with the same chat template the server will be asked with.
builder = PromptBuilder("direct")
info = finetune(train, out_dir=args.out / "adapter", builder=builder, base_model=default_llm_path(),
                spec=TrainSpec(max_steps=args.steps, batch_size=8, lr=3e-4), resume=True)
print(f"adapter: {args.out / 'adapter'} ({info.metrics.get('train_seconds', 0):.0f} s of training)")

with VLLMServer(default_llm_path(), adapters={"logic": args.out / "adapter"}, served_name="base") as server:
    print(f"server: {server.base_url} (models: base, logic)")
    client = OpenAI(base_url=server.base_url, api_key="none")
    for item in test[:4]:
        messages = list(builder.build(item).messages)
        reply = client.chat.completions.create(model="logic", messages=messages, n=3, temperature=0.7, max_tokens=16)
        picks = [extract_choice(c.message.content or "", len(item.options)) for c in reply.choices]
        print(f"{item.id}: samples {picks}, gold {item.answer}")
