"""Length-grouped training batches that a resumed run draws again exactly (used by ``trainer.py``).

transformers' ``LengthGroupedSampler`` shuffles with torch's global generator; a run resumed from a
checkpoint restores that generator's state *at the checkpoint*, not at the start of the epoch, so it
skips the right number of batches of a different order. Here epoch ``e`` of a run seeded ``s`` is always
shuffled by a generator seeded from ``(s, e)``; the Trainer (and accelerate's ``skip_first_batches``)
reach it through ``set_epoch``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from transformers.trainer_pt_utils import LengthGroupedSampler


class SeededLengthGroupedSampler(LengthGroupedSampler):
    """Mega-batches of similar length (transformers' grouping), shuffled by ``seed`` and the epoch only."""

    def __init__(self, batch_size: int, lengths: Sequence[int], seed: int) -> None:
        super().__init__(batch_size, lengths=list(lengths))
        self.seed = int(seed)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __iter__(self):
        self.generator = torch.Generator().manual_seed((self.seed << 16) + self.epoch)
        return super().__iter__()
