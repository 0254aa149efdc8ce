"""Statistics of answers, shared by the benchmark, the recipe search and ``ragreason run``: accuracy with a
bootstrap interval, McNemar's exact test and the paired bootstrap difference."""

from .estimates import Estimate, PairedTest, accuracy, mcnemar_exact, paired

__all__ = ["Estimate", "PairedTest", "accuracy", "mcnemar_exact", "paired"]
