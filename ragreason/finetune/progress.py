"""The fine-tuning progress bar on ragreason's console, and the loss in the log.

transformers' own bar writes to stderr (the log file when the CLI is quiet) and, with its bar off, its
``PrinterCallback`` prints every log dict to stdout; ``StepBar`` replaces both."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def step_bar(desc: str, enabled: bool) -> Any:
    """A Trainer callback: a bar of optimizer steps on ``console.stream()`` (if ``enabled``), the loss
    logged at INFO every ``logging_steps``."""
    from transformers import TrainerCallback

    from ..console import bar as console_bar

    class StepBar(TrainerCallback):
        bar = None

        def on_train_begin(self, args, state, control, **kwargs):
            self.bar = console_bar(state.max_steps, desc, "step", enabled=enabled, initial=state.global_step)

        def on_step_end(self, args, state, control, **kwargs):
            self.bar.update(state.global_step - self.bar.n)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.bar.set_postfix(loss=f"{logs['loss']:.3f}", refresh=False)
            log.info("step %d: %s", state.global_step, logs)

        def on_train_end(self, args, state, control, **kwargs):
            self.bar.close()

    return StepBar()
