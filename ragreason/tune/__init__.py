"""Find the best recipe for a task within a budget: race a search space's recipes on a dev split
(``tune``), write the leaderboard, the accuracy-against-cost plot and ``best.yaml``, and evaluate the
winner once on the test split."""

from .budget import Budget
from .race import RaceResult, Standing, adjust, race
from .result import TuneResult
from .run import tune
from .space import AXES, Candidate, RaceSpec, TuneSpace, load_space, validate_space

__all__ = ["AXES", "Budget", "RaceResult", "RaceSpec", "Candidate", "Standing", "TuneResult", "TuneSpace", "adjust",
           "load_space", "race", "tune", "validate_space"]
