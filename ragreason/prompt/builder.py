"""``PromptBuilder``: an item, its retrieved context and solved examples -> chat messages.

The same builder renders serving prompts (``build``) and training examples (``training_example``),
so fine-tuning and serving never disagree on the wording. Retrieved context and few-shot examples
share a token budget and are cut by rank, lowest first; the question and its options never are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..lang import detect_lang
from ..types import Context, Document, Item, Prompt
from .templates import Template, get_template, is_family
from .tokens import ApproxTokenCounter, HFTokenCounter, TokenCounter

Message = dict[str, str]


@dataclass(frozen=True)
class TrainingExample:
    """Chat messages whose last message is the assistant's target; loss goes on that one only."""

    item_id: str
    messages: tuple[Message, ...]
    prompt: Prompt


class PromptBuilder:
    def __init__(
        self,
        template: str | Template = "reasoning",
        *,
        closed_world: bool = True,
        max_context_tokens: int | None = None,
        shots: int = 0,
        model: str | Path | None = None,
        counter: TokenCounter | None = None,
    ) -> None:
        """``template``: a name ("reasoning-zh"), a family ("reasoning": the zh or en member by each
        item's language), or a ``Template``. ``closed_world`` adds the closed-world instruction (turn it
        off for open-world data such as ProofWriter's True/False/Unknown). ``max_context_tokens``
        bounds retrieved context plus shots (None: no bound), counted by ``counter``, else by the
        tokenizer of ``model``, else by a model-free estimate."""
        if isinstance(template, str) and not is_family(template):
            template = get_template(template)
        self.template = template
        self.closed_world = closed_world
        if max_context_tokens is not None and max_context_tokens < 0:
            raise ValueError(f"max_context_tokens must be >= 0 or None, got {max_context_tokens}")
        if shots < 0:
            raise ValueError(f"shots must be >= 0, got {shots}")
        self.max_context_tokens = max_context_tokens
        self.shots = shots
        self.counter = counter or (HFTokenCounter(model) if model is not None else ApproxTokenCounter())

    def build(self, item: Item, context: Context | None = None, shots: Sequence[Item] = ()) -> Prompt:
        """The chat messages for one item; ``meta`` records what the budget cut."""
        t = self.template_for(item)
        blocks = self._context_blocks(context, t)
        demos = list(shots[: self.shots])
        kept_blocks, kept_demos, meta = self._fit(blocks, demos, t)
        messages: list[Message] = []
        if t.system:
            messages.append({"role": "system", "content": t.system})
        for demo in kept_demos:
            messages += [{"role": "user", "content": self.question_text(demo, [], t)},
                         {"role": "assistant", "content": self.target(demo, t=t)}]
        messages.append({"role": "user", "content": self.question_text(item, kept_blocks, t)})
        meta.update(lang=t.lang, shot_ids=[d.id for d in kept_demos])
        if t.cloze:  # the question-free prompt of PMI scoring: the same system message, the bare question header
            system = [m for m in messages[:1] if m["role"] == "system"]
            meta.update(cloze=True, null_messages=(*system, {"role": "user", "content": t.question_header.strip()}))
        return Prompt(item.id, tuple(messages), t.name, meta)

    def for_scoring(self, method: str | None) -> PromptBuilder:
        """The builder whose prompts option scoring ``method`` reads: this one, or for a cloze method one
        with a cloze template (this one's if it has one, else the ``cloze`` family by each item's language)
        and this one's closed-world choice, context budget and token counter."""
        from ..generate.cloze import CLOZE_METHODS

        if method not in CLOZE_METHODS or self._is_cloze():
            return self
        return PromptBuilder("cloze", closed_world=self.closed_world, max_context_tokens=self.max_context_tokens,
                             counter=self.counter)

    def _is_cloze(self) -> bool:
        if isinstance(self.template, Template):
            return self.template.cloze
        return get_template(self.template, lang="en").cloze if is_family(self.template) else \
            get_template(self.template).cloze

    def template_for(self, item: Item) -> Template:
        if isinstance(self.template, Template):
            return self.template
        lang = item.meta.get("lang") or detect_lang(item.context + item.question)
        return get_template(self.template, lang=lang)

    def build_many(
        self,
        items: Sequence[Item],
        contexts: Sequence[Context | None] | None = None,
        shots: Sequence[Sequence[Item]] | None = None,
    ) -> list[Prompt]:
        contexts = contexts if contexts is not None else [None] * len(items)
        shots = shots if shots is not None else [()] * len(items)
        if not len(items) == len(contexts) == len(shots):
            raise ValueError(f"{len(items)} items, {len(contexts)} contexts, {len(shots)} shot lists")
        return [self.build(i, c, s) for i, c, s in zip(items, contexts, shots, strict=True)]

    def training_example(
        self, item: Item, context: Context | None = None, shots: Sequence[Item] = (), *, target: str = "answer"
    ) -> TrainingExample:
        """The serving prompt plus the assistant's target: the answer line, or (``target="cot"``)
        the item's reasoning steps (``meta["explanation"]``) then the answer line."""
        prompt = self.build(item, context, shots)
        reply = {"role": "assistant", "content": self.target(item, target=target, t=self.template_for(item))}
        return TrainingExample(item.id, (*prompt.messages, reply), prompt)

    def document_example(self, doc: Document) -> TrainingExample:
        """A document to learn (closed-book knowledge): asked for its title (its first line), the assistant
        replies with the rest; a one-line document is its own reply to the template's context header. The
        template's system message as in serving, by the document's language."""
        t = self.template_for(Item(id=doc.id, question=doc.text, options=("-", "-"), meta=dict(doc.meta)))
        title, _, body = doc.text.strip().partition("\n")
        ask, reply = (title.strip(), body.strip()) if body.strip() else (t.context_header.strip(), title.strip())
        messages: list[Message] = [{"role": "system", "content": t.system}] if t.system else []
        messages.append({"role": "user", "content": ask})
        prompt = Prompt(doc.id, tuple(messages), t.name, {"document": True})
        return TrainingExample(doc.id, (*messages, {"role": "assistant", "content": reply}), prompt)

    def target(self, item: Item, *, target: str = "answer", t: Template | None = None) -> str:
        """What the assistant should reply for a solved item, in the item's template."""
        t = t or self.template_for(item)
        if item.answer is None:
            raise ValueError(f"item {item.id!r} has no answer to train on")
        if target not in ("answer", "cot"):
            raise ValueError(f"target must be 'answer' or 'cot', got {target!r}")
        line = t.answer_prefix + item.option(item.answer).strip() if t.cloze else t.answer(item.answer)
        steps = item.meta.get("explanation") if target == "cot" else None
        if target == "cot" and not steps:
            raise ValueError(f"item {item.id!r} has no 'explanation' in meta for target='cot'")
        return "\n".join([*steps, line]) if steps else line

    def question_text(self, item: Item, blocks: Sequence[str], t: Template) -> str:
        """The user message: instructions, retrieved context, the problem, the question with its lettered
        options and the answer format; a cloze template's has the question alone on its line, no options."""
        options = "\n".join(f"{letter}. {text}" for letter, text in zip(item.letters, item.options, strict=True))
        if t.raw:
            return t.raw.format(problem=item.context, question=item.question, options=options)
        parts = [" ".join(x for x in (t.instruction, t.closed_world if self.closed_world else "") if x)]
        if blocks:
            parts.append("\n".join([t.context_header, *blocks]))
        if item.context.strip():
            parts.append(_inline(t.problem_header, item.context) if t.cloze else
                         f"{t.problem_header}\n{item.context}".strip())
        parts.append(f"{t.question_header}{item.question}" if t.cloze else
                     f"{t.question_header}\n{item.question}\n{options}".strip())
        parts.append(t.answer_format)
        return "\n\n".join(p for p in parts if p)

    def _context_blocks(self, context: Context | None, t: Template) -> list[str]:
        if context is None:
            return []
        if not context.hits:
            return [context.text] if context.text.strip() else []
        fmt = t.context_item
        return [
            fmt.format(rank=rank, source=hit.doc.meta.get("source", hit.source), text=hit.doc.text.strip())
            for rank, hit in enumerate(context.hits, start=1)
        ]

    def _fit(self, blocks: list[str], demos: list[Item], t: Template) -> tuple[list[str], list[Item], dict]:
        """Keep context blocks, then shots, in rank order while they fit the budget."""
        budget = self.max_context_tokens
        used = 0
        kept_blocks: list[str] = []
        kept_demos: list[Item] = []
        cut_blocks: list[int] = []
        cut_shots: list[str] = []
        for rank, block in enumerate(blocks, start=1):
            cost = self.counter.count(block)
            if budget is None or used + cost <= budget:
                kept_blocks.append(block)
                used += cost
            else:
                cut_blocks.append(rank)
        for demo in demos:
            cost = self.counter.count(self.question_text(demo, [], t) + self.target(demo, t=t))
            if budget is None or used + cost <= budget:
                kept_demos.append(demo)
                used += cost
            else:
                cut_shots.append(demo.id)
        meta = {"context_tokens": used, "context_kept": len(kept_blocks), "context_cut": cut_blocks,
                "shots_cut": cut_shots}
        return kept_blocks, kept_demos, meta


def _inline(header: str, text: str) -> str:
    """A header and its text on one line ("Context: ...", "资料：..."): a space after an ASCII colon."""
    if not header:
        return text
    return header + ("" if header.endswith("：") else " ") + text
