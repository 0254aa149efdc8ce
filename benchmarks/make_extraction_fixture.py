"""Sample real answers of the default model, to be labelled by hand for the extraction fixture.

Usage: python benchmarks/make_extraction_fixture.py OUT.jsonl
Writes one line per sample: id, template, n_options, options, text, and "label": null (to fill in).
"""

from __future__ import annotations

import json
import random
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from ragreason.data import load_items
from ragreason.models import default_llm_path
from ragreason.paths import shared_data_dir
from ragreason.prompt import PromptBuilder

SOURCES = [
    ("logic_lm/ProofWriter_dev.json", "logic-lm", ["reasoning-en", "direct-en"]),
    ("logiqa2/dev_zh.txt", "logiqa2", ["reasoning-zh", "competition-baseline", "direct-zh"]),
    ("clutrr/gen_train23_test2to10__validation.csv", "clutrr", ["reasoning-en", "direct-en"]),
    ("logic_lm/LogicalDeduction_dev.json", "logic-lm", ["reasoning-en"]),
]


def main(out: str, per_template: int = 24, seed: int = 0) -> None:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    path = default_llm_path()
    tok = AutoTokenizer.from_pretrained(path, padding_side="left")
    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    rows = []
    for file, fmt, templates in SOURCES:
        items = load_items(shared_data_dir() / file, fmt, strict=False)
        for template in templates:
            chosen = rng.sample(items, per_template)
            prompts = [PromptBuilder(template).build(i) for i in chosen]
            texts = tok.apply_chat_template([list(p.messages) for p in prompts], tokenize=False,
                                            add_generation_prompt=True)
            for start in range(0, len(texts), 8):
                enc = tok(texts[start:start + 8], return_tensors="pt", padding=True, add_special_tokens=False)
                with torch.no_grad():
                    gen = model.generate(**enc, max_new_tokens=96, do_sample=True, temperature=0.7, top_p=0.95)
                for k, seq in enumerate(gen):
                    item = chosen[start + k]
                    text = tok.decode(seq[enc["input_ids"].shape[1]:], skip_special_tokens=True)
                    rows.append({"id": f"{item.id}|{template}", "template": template, "n_options": len(item.options),
                                 "options": list(item.options), "text": text, "label": None})
            print(file, template, len(rows), flush=True)
    with open(out, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
