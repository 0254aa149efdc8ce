import pytest

from ragreason.extract import read_choice
from ragreason.types import Generation, Item
from ragreason.vote import Vote, Voter, generation_source, vote_from_scores


def test_majority_counts_and_reports_abstentions():
    votes = [Vote("B"), Vote(None), Vote("B"), Vote("A"), Vote(None)]
    answer = Voter().vote("i", votes)
    assert answer.choice == "B" and answer.votes == {"B": 2.0, "A": 1.0}
    assert answer.confidence == pytest.approx(2 / 3) and answer.abstentions == 2
    assert answer.by_source == {"sample": {"B": 2, "-": 2, "A": 1}}


def test_all_abstain_gives_no_answer_not_a():
    answer = Voter().vote("i", [Vote(None), Vote(None)])
    assert answer.choice is None and answer.confidence == 0.0 and answer.abstentions == 2


def test_tie_broken_by_summed_logprob_when_every_tied_vote_has_one():
    votes = [Vote("A", logprob=-5.0), Vote("B", logprob=-1.0), Vote("A", logprob=-2.0), Vote("B", logprob=-1.5)]
    assert Voter().vote("i", votes).choice == "B"


def test_tie_without_logprobs_goes_to_the_earliest_voted_option():
    votes = [Vote("C"), Vote("A"), Vote("A"), Vote("C")]
    assert Voter().vote("i", votes).choice == "C"
    partial = [Vote("C", logprob=None), Vote("A", logprob=-0.1)]
    assert Voter().vote("i", partial).choice == "C"


def test_weighted_by_source():
    votes = [Vote("A", "prompt-1"), Vote("A", "prompt-1"), Vote("B", "adapter-ft")]
    voter = Voter("weighted", weights={"prompt-1": 0.4, "adapter-ft": 0.9})
    answer = voter.vote("i", votes)
    assert answer.choice == "B" and answer.votes == pytest.approx({"A": 0.8, "B": 0.9})
    assert answer.confidence == pytest.approx(0.9 / 1.7)
    assert answer.by_source == {"prompt-1": {"A": 2}, "adapter-ft": {"B": 1}}
    assert Voter("majority", weights={"adapter-ft": 9}).vote("i", votes).choice == "A"  # weights ignored


def test_weighted_unknown_source_uses_default_weight():
    voter = Voter("weighted", weights={"x": 2.0}, default_weight=0.5)
    assert voter.vote("i", [Vote("A", "x"), Vote("B", "y"), Vote("B", "z")]).choice == "A"


def test_first_strategy_skips_abstentions():
    answer = Voter("first").vote("i", [Vote(None), Vote("C"), Vote("A"), Vote("A")])
    assert answer.choice == "C" and answer.confidence == pytest.approx(1 / 3)


def test_bad_voter_settings():
    with pytest.raises(ValueError, match="unknown voting strategy 'mode'"):
        Voter("mode")
    with pytest.raises(ValueError, match="needs weights"):
        Voter("weighted")
    with pytest.raises(ValueError, match=">= 0"):
        Voter("weighted", weights={"a": -1})


def test_option_scores_are_a_vote():
    vote = vote_from_scores({"A": -3.2, "B": -0.7, "C": -1.1}, source="score:text")
    assert vote == Vote("B", "score:text", -0.7)
    mixed = [vote, Vote("A", "sample"), Vote("B", "sample")]
    assert Voter().vote("i", mixed).choice == "B"


def test_sampled_votes_read_letters_and_label_sources():
    item = Item("i", "Is the cat red?", ("True", "False"), "B")
    gens = [
        Generation("i", "Answer: B", model="m", prompt_template="reasoning-en", logprob=-1.0),
        Generation("i", "The statement is true.", model="m", adapter="ft", prompt_template="direct-en", sample=1),
        Generation("i", "no idea", model="m", prompt_template="reasoning-en", sample=2),
    ]
    votes = [Vote(read_choice(item, g.text), generation_source(g), g.logprob) for g in gens]
    assert [v.choice for v in votes] == ["B", "A", None]
    assert votes[0].source == "m|base|reasoning-en"
    assert votes[1].source == generation_source(gens[1]) == "m|ft|direct-en"
    answer = Voter().vote("i", votes, generations=gens)
    assert answer.choice == "B" and answer.abstentions == 1 and len(answer.generations) == 3


def test_tie_break_first_ignores_logprobs():
    votes = [Vote("A", logprob=-5.0), Vote("B", logprob=-1.0)]
    assert Voter().vote("i", votes).choice == "B"
    assert Voter(tie_break="first").vote("i", votes).choice == "A"
    with pytest.raises(ValueError, match="tie_break"):
        Voter(tie_break="random")
