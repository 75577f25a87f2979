"""Checkers for the programming exercises: does your function compute the rule.

Each exercise notebook asks for one function with a fixed signature (the
table on the Exercises page); its checker runs that function on the
textbook's data and on the edge cases where the usual mistakes show, prints
one message and returns a :class:`CheckResult` with ``.passed`` and
``.message``. A checker never raises: an unfinished function reports "not done
yet", and junk answers or errors are reported in the message.
"""

from descend.exercises._core import Case, CheckResult, Mistake, run_checks
from descend.exercises.adaptive import check_adam_step, check_normalized_step
from descend.exercises.batches import check_epoch_batches
from descend.exercises.gradients import check_gabor_gradient, check_linear_gradient
from descend.exercises.losses import check_bce_with_logits, check_sigmoid
from descend.exercises.momentum import check_momentum_step, check_nesterov_step

__all__ = [
    "Case",
    "CheckResult",
    "Mistake",
    "check_adam_step",
    "check_bce_with_logits",
    "check_epoch_batches",
    "check_gabor_gradient",
    "check_linear_gradient",
    "check_momentum_step",
    "check_nesterov_step",
    "check_normalized_step",
    "check_sigmoid",
    "run_checks",
]
