"""``RagreasonTrainer``: transformers' ``Trainer`` with seeded length-grouped batches (``batches.py``)
and the loss computed from the answer positions' logits only (``answer_loss.py``)."""

from __future__ import annotations

from transformers import Trainer

from .answer_loss import answer_loss, supports_logits_to_keep
from .batches import SeededLengthGroupedSampler


class RagreasonTrainer(Trainer):
    """``answer_logits_only`` False, or a model whose forward lacks ``logits_to_keep``: the stock loss."""

    def __init__(self, *args, answer_logits_only: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.answer_logits_only = answer_logits_only and supports_logits_to_keep(self.model)

    def _get_train_sampler(self, train_dataset=None):
        if self.args.train_sampling_strategy != "group_by_length":
            return super()._get_train_sampler(train_dataset)
        rows = train_dataset if train_dataset is not None else self.train_dataset
        return SeededLengthGroupedSampler(self.args.train_batch_size * self.args.gradient_accumulation_steps,
                                          [len(row["input_ids"]) for row in rows], self.args.seed)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if not self.answer_logits_only or "labels" not in inputs:
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        # Normalised over the accumulated batch exactly when the stock path would be (the Trainer then
        # skips its own division by the accumulation steps).
        count = num_items_in_batch if self.model_accepts_loss_kwargs else None
        loss, outputs = answer_loss(model, inputs, count)
        if self.args.average_tokens_across_devices and count is not None:
            loss = loss * self.accelerator.num_processes
        return (loss, outputs) if return_outputs else loss
