"""``ragreason run --data F --out answers.jsonl``: answer a data file (optionally with retrieval, an
adapter and votes), resumably; ``--submission`` also writes the competition submission file."""

from __future__ import annotations

import argparse
import logging
from dataclasses import replace
from pathlib import Path

from ..calibrate import CALIBRATIONS, orders_problem
from ..calibrate.formulation import AUTO
from ..data import FORMATS
from ..data.prior import LetterPrior
from ..generate import BACKENDS, METHODS, GenerationError, make_generator
from ..models import DEFAULT_MODEL, model_folder
from ..orders import Permutations
from ..policy import (
    BLIND_SCORE,
    DEFAULT_CALIBRATION,
    DEFAULT_FALLBACK,
    DEFAULT_SCORE,
    DEFAULT_TEMPLATE,
    DEFAULT_VOTES,
    calibration_for,
)
from ..prompt.spec import DEFAULT_CONTEXT_TOKENS
from ..retrieve.protocol import DEFAULT_TOP_K
from ..retrieve.spec import KINDS, RetrievalSpec
from ..types import DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE
from ..vote import FALLBACKS, Fallback
from .endpoint_flags import add_endpoint_flags, endpoints_of

log = logging.getLogger(__name__)

RETRIEVERS = ("none", *KINDS)
ADAPTER = "adapter"  # the --adapter folder's name in a local engine


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="answer a data file: retrieval -> prompts -> samples -> votes -> answers.jsonl")
    p.add_argument("--data", required=True, help="the questions (any loader format)")
    p.add_argument("--format", default="competition", choices=FORMATS, help="data format (default: competition)")
    p.add_argument("--out", required=True, help="answers JSONL, appended as items are answered; a rerun resumes")
    p.add_argument("--submission", help="also write the competition submission (one line per problem) here")
    p.add_argument("--model", default=DEFAULT_MODEL, help="model folder (default: the packaged SmolLM2-135M-Instruct)")
    p.add_argument("--adapter", help="a LoRA adapter folder to answer with (a fully fine-tuned or merged model "
                                     "folder is served as the model); with --endpoint, the name the servers serve "
                                     "it under")
    p.add_argument("--backend", choices=BACKENDS, default="vllm", help="vLLM (default) or transformers (hf)")
    p.add_argument("--template", help="prompt template: direct, reasoning (by item language), or a full name such "
                                      f"as direct-zh (default: the --adapter's training template, else "
                                      f"{DEFAULT_TEMPLATE})")
    world = p.add_mutually_exclusive_group()
    world.add_argument("--open-world", dest="closed_world", action="store_false", default=None,
                       help="leave out the closed-world instruction (True/False/Unknown data such as ProofWriter)")
    world.add_argument("--closed-world", dest="closed_world", action="store_true",
                       help="add it (default: as the --adapter was trained, else closed world)")
    p.add_argument("--retriever", choices=RETRIEVERS, default="none",
                   help="context retrieval over --knowledge (graph: the facts linking the question's "
                        "entities, from --knowledge's *.triples.jsonl and documents if it has triples files, "
                        "else each item's own)")
    p.add_argument("--knowledge", help="knowledge folder (md, txt, jsonl documents; *.triples.jsonl facts for the "
                                       "graph; default: the shipped knowledge/)")
    p.add_argument("--index", help="a saved vector index (from `ragreason index`) instead of --knowledge")
    p.add_argument("--examples", help="solved items (same --format), the most similar retrieved as context")
    p.add_argument("--train", help="solved items of the same task (same --format), not shown to the model: the fitted "
                                   "calibration learns from them, the prior reference and --fallback prior count "
                                   "their golds (default: --examples' items)")
    p.add_argument("--top-k", type=int, default=DEFAULT_TOP_K)
    p.add_argument("--rerank", action=argparse.BooleanOptionalAction, default=RetrievalSpec.rerank,
                   help="the answering model reads the retrieved documents and keeps those the question is about "
                        "(the question's likelihood given each document; default: on)")
    p.add_argument("--max-context-tokens", type=int, default=DEFAULT_CONTEXT_TOKENS)
    p.add_argument("--votes", type=int, default=DEFAULT_VOTES,
                   help=f"sampled answers per question, majority-voted (1 = greedy; default {DEFAULT_VOTES}: the "
                        "option scores alone answer)")
    p.add_argument("--score", choices=(*METHODS, AUTO, "none"), default=DEFAULT_SCORE,
                   help="option scoring as one more vote: label (the letter after a prompt listing the options), text "
                        "(the option's text as the reply to it), cloze (the option's text as the continuation of a "
                        "prompt without the options; -token, -char: per token, per character; -pmi: less its "
                        f"log-probability without the question), auto (the one that answers --train's items best in "
                        f"cross-validation; without them {BLIND_SCORE}), or none (default: {DEFAULT_SCORE})")
    p.add_argument("--fallback", choices=FALLBACKS, default=DEFAULT_FALLBACK,
                   help="answer the questions no vote named an option for: by calibrated option scores (--score's "
                        "method, else label), by the prior of --train's golds, or not at all "
                        f"(default: {DEFAULT_FALLBACK})")
    p.add_argument("--permutations", default="1", metavar="K|all",
                   help="show each question under K cyclic shifts of its options (all: every shift) and vote across "
                        "them (default: 1, as given)")
    p.add_argument("--constrained", action="store_true",
                   help="every sample is an answer line with a valid letter (structured outputs; no reasoning text)")
    p.add_argument("--calibrate", choices=(*CALIBRATIONS, "none"), default=DEFAULT_CALIBRATION,
                   help="correct option scores (--score and the score fallback): fitted (a letter model fitted on "
                        "--train or --examples, answers balanced to their letter shares; without them: batch), batch "
                        "(divide out the mean letter probability over the questions, options as given), pride "
                        "(the position prior under rotations; the one that works with --permutations), none "
                        f"(default: {DEFAULT_CALIBRATION})")
    p.add_argument("--temperature", type=float, default=None,
                   help=f"default: 0 for one vote, {DEFAULT_TEMPERATURE} for more")
    p.add_argument("--max-tokens", type=int, default=DEFAULT_MAX_TOKENS)
    p.add_argument("--batch-size", type=int, default=64, help="items per generation call (and per write)")
    p.add_argument("--limit", type=int, help="answer only the first N questions")
    p.add_argument("--lenient", action="store_true", help="skip malformed records (listed) instead of stopping")
    p.add_argument("--no-progress", action="store_true")
    add_endpoint_flags(p)
    p.add_argument("--recipe", help="a recipe file (the best.yaml of ragreason tune, or a benchmark config with one "
                                    "condition and one vote size): its prompt, retrieval, votes, scoring, calibration "
                                    "and solved items become the defaults of these flags; flags given still win")
    from .recipe_flags import FLAGS

    p.set_defaults(func=run, log_to=lambda args: Path(f"{args.out}.log"),  # never the answers file itself
                   flag_defaults={name: p.get_default(name) for name in FLAGS})


def run(args: argparse.Namespace) -> int:
    from ..data import flatten
    from ..data.errors import DataError, Rejects

    rejects = Rejects()
    try:
        problems, examples, solved, recipe = prepare(args, rejects)
    except (DataError, FileNotFoundError, ValueError) as error:  # a ConfigError is a ValueError
        print(f"error: {error}")
        return 1
    for reject in rejects:
        print(f"skipped: {reject}")
    items = flatten(problems)[: args.limit] if args.limit else flatten(problems)
    if not items:
        print(f"error: {args.data}: no questions")
        return 1
    try:
        answers = _answer(args, items, examples, solved, recipe)
    except GenerationError as error:  # e.g. every endpoint failing: what was answered stays in --out
        from ..results import JsonlLog

        done = len(JsonlLog(Path(args.out)).records) if Path(args.out).is_file() else 0
        print(f"error: {error}\n{done} of {len(items)} questions answered so far, kept in {args.out}; "
              "run the same command again to answer the rest")
        return 1
    _summary(args, items, answers, solved)
    if args.submission:
        from ..data.submission import write_submission

        wanted = {i.id for i in items}
        chosen = [p for p in problems if any(i.id in wanted for i in p.items)]
        report = write_submission(chosen, {a.item_id: a.choice for a in answers}, args.submission)
        print(f"submission: {report.path} ({report.problems} problems, {report.questions} questions, "
              f"{len(report.unanswered)} unanswered)")
    return 0


def prepare(args: argparse.Namespace, rejects):
    """What the flags (and ``--recipe``'s file) ask for, checked before any model loads: the problems, the solved
    items shown as context, those the calibration learns from, and the ``Recipe``."""
    from ..data import load_problems
    from ..recipe import Recipe

    base = Recipe()
    if args.recipe:
        from .recipe_flags import apply_recipe

        base = apply_recipe(args, args.flag_defaults)
    args.endpoints = endpoints_of(args)
    problems = load_problems(args.data, args.format, strict=not args.lenient, rejects=rejects)
    examples = _solved(args.examples, args)
    solved = _solved(args.train, args) or examples
    fallback = _fallback(args, solved)
    template, closed_world = _prompt(args)  # as the --adapter was trained, before a whole model takes its place
    _whole_model(args)
    args.permutations = Permutations.parse(args.permutations)
    return problems, examples, solved, _recipe(args, base, fallback, template, closed_world, bool(solved))


def _solved(path: str | None, args: argparse.Namespace):
    """The items of ``path`` that have a gold answer (None without a path)."""
    if not path:
        return None
    from ..data import load_items

    solved = [i for i in load_items(path, args.format, strict=not args.lenient) if i.answer is not None]
    if not solved:
        raise ValueError(f"{path}: no item with an answer to use as an example")
    return solved


def _answer(args: argparse.Namespace, items, examples, solved, recipe):
    from ..pipeline import RunOptions, answer

    retriever = _retriever(args, items, examples)
    generator = _generator(args, model_folder(args.model))
    try:
        options = RunOptions(batch_size=args.batch_size, record_extra=lambda item, a: {"gold": item.answer})
        return answer(items, recipe, generator=generator, retriever=retriever, examples=solved, out=args.out,
                      progress=not args.no_progress, options=options)
    finally:
        close = getattr(generator, "close", None)
        if close is not None:
            close()


def _recipe(args: argparse.Namespace, base, fallback: Fallback, template: str, closed_world: bool, solved: bool):
    """The recipe the flags describe, its settings without a flag (shots, top_p, ...) those of ``base`` (a recipe
    file's, else the defaults)."""
    calibrate = calibration_for(None if args.calibrate == "none" else args.calibrate, solved)
    if orders_problem(calibrate, args.permutations.k):
        log.warning("--calibrate %s does not apply across option orders; using pride with --permutations", calibrate)
        calibrate = "pride"
    prompt = replace(base.prompt, template=template, closed_world=closed_world,
                     max_context_tokens=args.max_context_tokens)
    sampling = replace(base.sampling, n=args.votes, temperature=args.temperature, max_tokens=args.max_tokens,
                       constrained=args.constrained)
    return replace(base, prompt=prompt, sampling=sampling, score=_score(args), calibrate=calibrate,
                   permutations=args.permutations, fallback=fallback, top_k=args.top_k,
                   adapter=_adapter(args))


def _prompt(args: argparse.Namespace) -> tuple[str, bool]:
    """The template and closed-world choice: as given, else as the adapter was trained, else the defaults."""
    trained_with = None
    if args.adapter and not args.endpoint:  # an endpoint's adapter is a name it serves, not a folder here
        from ..finetune import read_info

        try:
            trained_with = read_info(args.adapter)
        except FileNotFoundError:
            log.warning("%s has no ragreason.json: serving it with the default prompt", args.adapter)
    template = args.template or (trained_with.template if trained_with else DEFAULT_TEMPLATE)
    closed_world = args.closed_world
    if closed_world is None:
        closed_world = trained_with.closed_world if trained_with and trained_with.closed_world is not None else True
    if trained_with and (template, closed_world) != (trained_with.template, trained_with.closed_world):
        log.warning("serving the adapter with template %s (%s world); it was trained with %s (%s world)", template,
                    "closed" if closed_world else "open", trained_with.template,
                    {True: "closed", False: "open", None: "unrecorded"}[trained_with.closed_world])
    return template, closed_world


def _whole_model(args: argparse.Namespace) -> None:
    """An ``--adapter`` folder that holds a whole model (full fine-tuning, a merged adapter) becomes the model."""
    from ..finetune import holds_model

    if not args.adapter or args.endpoint or not holds_model(args.adapter):
        return
    if args.model != DEFAULT_MODEL:
        raise ValueError(f"{args.adapter} holds a whole model (fully fine-tuned or merged), served as the model: "
                         f"give it without --model {args.model}")
    log.info("%s holds a whole model: serving it as the model", args.adapter)
    args.model, args.adapter = args.adapter, None


def _score(args: argparse.Namespace) -> str | None:
    return None if args.score == "none" else args.score


def _fallback(args: argparse.Namespace, examples) -> Fallback:
    if args.votes < 0:
        raise ValueError(f"--votes must be >= 0, got {args.votes}")
    if args.votes == 0 and _score(args) is None:
        raise ValueError("--votes 0 needs --score label or text (nothing would answer)")
    method = _score(args) or DEFAULT_SCORE
    if args.fallback != "prior":
        return Fallback(args.fallback, method=method)
    if not examples:
        raise ValueError("--fallback prior needs --train or --examples (solved items to learn the answer prior from)")
    return Fallback("prior", LetterPrior.fit(examples), method=method)


def _retriever(args: argparse.Namespace, items, examples):
    """The chosen documents (knowledge or a saved index), fused with solved examples when given."""
    from ..data.knowledge import default_knowledge_dir
    from ..retrieve import RetrievalSpec, build_retriever

    documents = args.retriever != "none" or args.index is not None
    if not documents and not examples:
        return None
    knowledge = None
    if documents and args.index is None:
        knowledge = args.knowledge or str(default_knowledge_dir())
    spec = RetrievalSpec(kind="dense" if args.retriever == "none" else args.retriever, knowledge=knowledge,
                         index=args.index, top_k=args.top_k, examples=bool(examples), rerank=args.rerank)
    return build_retriever(spec, items, solved=examples or ())


def _generator(args: argparse.Namespace, model: Path):
    """The local engine over ``model`` with the adapter, or the endpoints serving that model (``model``: its
    tokenizer); answers are recorded under ``--model`` either way, so one resumes the other's file."""
    if args.endpoints:
        return args.endpoints.generator(model, args.model)
    adapters = {ADAPTER: args.adapter} if args.adapter else None
    return make_generator(args.backend, model, adapters=adapters, name=args.model)


def _adapter(args: argparse.Namespace) -> str | None:
    """The adapter the answers ask for: the local adapter folder's name in the engine, or the name an endpoint
    serves it under."""
    if not args.adapter:
        return None
    return args.adapter if args.endpoint else ADAPTER


def _summary(args: argparse.Namespace, items, answers, solved) -> None:
    answered = sum(a.choice is not None for a in answers)
    abstained = sum(a.abstentions for a in answers)
    print(f"answers: {args.out} ({len(answers)} questions, {answered} answered, {abstained} unreadable votes)")
    scoring = sorted({k.removeprefix("score:") for a in answers for k in a.by_source if k.startswith("score:")})
    if scoring:
        print(f"option scoring: {', '.join(scoring)}")
    scored = [(i, a) for i, a in zip(items, answers, strict=True) if i.answer is not None]
    if not scored:
        return
    from ..data import LetterPrior, chance_accuracy
    from ..stats import paired

    right = [a.choice == i.answer for i, a in scored]
    print(f"accuracy on the {len(scored)} questions with a gold answer: {sum(right) / len(scored):.3f}")
    golds = [i for i, _ in scored]
    prior = LetterPrior.fit(solved or golds)
    by_prior = [prior.choice(i) == i.answer for i in golds]
    in_sample = "these golds themselves (in-sample: a bound no constant answer beats)"
    source = ("--train" if args.train else "--examples") if solved else in_sample
    test = paired(right, by_prior)
    print(f"references: chance {chance_accuracy(golds):.3f}; prior {sum(by_prior) / len(golds):.3f} "
          f"(the commonest letter per option count of {source}); vs prior {100 * test.diff.value:+.1f} pp, "
          f"McNemar p = {test.p_value:.3g}")
