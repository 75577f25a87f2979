"""Checkers for the programming exercises: does your function compute the rule.

Each exercise notebook asks for one function with a fixed signature (the
table on the Exercises page); its checker runs that function on the
textbook's data and on the edge cases where the usual mistakes show, prints
one message and returns a :class:`CheckResult` with ``.passed`` and
``.message``. A checker never raises: an unfinished function reports "not done
yet", and junk answers or errors are reported in the message.
"""

from descend.exercises._core import Case, CheckResult, Mistake, run_checks

__all__ = ["Case", "CheckResult", "Mistake", "run_checks"]
