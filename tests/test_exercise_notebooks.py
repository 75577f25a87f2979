"""The student version of an exercise script: solution blocks become TODO stubs (docs/_ext)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

EXT = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "exercise_notebooks.py"


def _load() -> ModuleType:
    # docs/_ext is not a package: load the extension from its file (it needs no Sphinx).
    spec = importlib.util.spec_from_file_location("exercise_notebooks", EXT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_ext = _load()
strip_solutions: Callable[[str, str], str] = _ext.strip_solutions
student_stem: Callable[[Path], str] = _ext.student_stem
MarkerError: type[Exception] = _ext.MarkerError


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_a_block_becomes_todo_and_raise_at_the_marker_indentation() -> None:
    solved = _src("""
        import numpy as np


        def momentum_step(phi, m, g, alpha, beta):
            \"\"\"One momentum step.\"\"\"
            # BEGIN SOLUTION (TODO: average g into m, then step phi along m)
            m = beta * m + (1 - beta) * g
            return phi - alpha * m, m
            # END SOLUTION


        print("after")
    """)
    assert strip_solutions(solved, "ex_5_momentum.py") == _src("""
        import numpy as np


        def momentum_step(phi, m, g, alpha, beta):
            \"\"\"One momentum step.\"\"\"
            # TODO: average g into m, then step phi along m
            raise NotImplementedError


        print("after")
    """)


def test_every_block_is_replaced_and_everything_else_kept() -> None:
    solved = _src("""
        # %%
        # Text cell.
        def sigmoid(z):
            # BEGIN SOLUTION (TODO: a sigmoid that never overflows)
            return 0.5 * (1 + np.tanh(z / 2))
            # END SOLUTION


        class Stepper:
            def step(self, x):
                if x > 0:
                    # BEGIN SOLUTION (TODO: halve x)
                    return x / 2
                    # END SOLUTION
                return x


        # BEGIN SOLUTION (TODO: at module level too)
        answer = 42
        # END SOLUTION
        result = check(sigmoid)
    """)
    student = strip_solutions(solved, "ex_1_stable_losses.py")
    assert student == _src("""
        # %%
        # Text cell.
        def sigmoid(z):
            # TODO: a sigmoid that never overflows
            raise NotImplementedError


        class Stepper:
            def step(self, x):
                if x > 0:
                    # TODO: halve x
                    raise NotImplementedError
                return x


        # TODO: at module level too
        raise NotImplementedError
        result = check(sigmoid)
    """)


def test_tabs_and_windows_line_ends_are_kept() -> None:
    solved = (
        "def f(x):\r\n\t# BEGIN SOLUTION (TODO: return x)\r\n\treturn x\r\n\t# END SOLUTION\r\n"
    )
    student = strip_solutions(solved, "ex_9_f.py")
    assert student == "def f(x):\r\n\t# TODO: return x\r\n\traise NotImplementedError\r\n"


def test_an_empty_block_still_becomes_a_stub() -> None:
    solved = "def f():\n    # BEGIN SOLUTION (TODO: write f)\n    # END SOLUTION\n"
    assert strip_solutions(solved, "x.py") == (
        "def f():\n    # TODO: write f\n    raise NotImplementedError\n"
    )


def test_the_solution_lines_are_gone() -> None:
    solved = "def f(x):\n    # BEGIN SOLUTION (TODO: square x)\n    return x * x  # secret\n"
    solved += "    # END SOLUTION\n"
    assert "secret" not in strip_solutions(solved, "x.py")
    assert "SOLUTION" not in strip_solutions(solved, "x.py")


MALFORMED = {
    "begin without end": (
        "def f(x):\n    # BEGIN SOLUTION (TODO: t)\n    return x\n",
        2,
        "never closed",
    ),
    "nested": (
        "def f(x):\n    # BEGIN SOLUTION (TODO: t)\n    y = 1\n    # BEGIN SOLUTION (TODO: u)\n"
        "    return x\n    # END SOLUTION\n    # END SOLUTION\n",
        4,
        "cannot be nested",
    ),
    "end without begin": ("x = 1\n# END SOLUTION\n", 2, "without a '# BEGIN SOLUTION'"),
    "no todo text": (
        "def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION\n",
        2,
        "(TODO: what the student should write)",
    ),
    "empty todo text": (
        "def f(x):\n    # BEGIN SOLUTION (TODO: )\n    return x\n    # END SOLUTION\n",
        2,
        "(TODO: what the student should write)",
    ),
    "end indented differently": (
        "def f(x):\n    # BEGIN SOLUTION (TODO: t)\n    return x\n# END SOLUTION\n",
        4,
        "indented differently",
    ),
    "text after end": (
        "def f(x):\n    # BEGIN SOLUTION (TODO: t)\n    return x\n    # END SOLUTION here\n",
        4,
        "nothing may follow",
    ),
    "no block at all": ("def f(x):\n    return x\n", 1, "no solution block"),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_marker_raises_naming_the_file_and_line(kind: str) -> None:
    source, line, words = MALFORMED[kind]
    with pytest.raises(MarkerError) as info:
        strip_solutions(source, "exercises/ex_5_momentum.py")
    message = str(info.value)
    assert message.startswith(f"exercises/ex_5_momentum.py:{line}: "), message
    assert words in message


def test_a_block_that_leaves_invalid_python_is_refused() -> None:
    # The markers cut an expression in two: the student version would not run.
    solved = "x = (\n    # BEGIN SOLUTION (TODO: t)\n    1\n    # END SOLUTION\n)\n"
    with pytest.raises(MarkerError, match=r"^ex_1_x\.py: the student version .* not valid Python"):
        strip_solutions(solved, "ex_1_x.py")


def test_the_student_files_are_named_after_the_exercise() -> None:
    assert student_stem(Path("exercises/ex_5_momentum.py")) == "momentum_exercise"
    assert student_stem(Path("ex_1_stable_losses.py")) == "stable_losses_exercise"
    with pytest.raises(MarkerError, match=r"ex_<number>_<name>\.py"):
        student_stem(Path("exercises/momentum.py"))
