"""The command line: run every case, print the report, write the numbers.

Without ``--save`` the numbers go to a scratch copy (``build/bench/``, ignored
by git) or the ``--json`` path; ``--save`` (a full run only) updates the
committed ``benchmarks/results.json`` and ``results.txt`` that the performance
page shows.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

from .cases import (
    DTYPES,
    SMALL_COUNT,
    SMALL_SIZE,
    measure_memory,
    measure_numpy_bound,
    measure_single,
    measure_small,
)
from .kernel import build_reference
from .report import (
    bound_table,
    compile_table,
    evaluate_targets,
    fmt_n,
    header_text,
    machine_info,
    memory_table,
    single_tables,
    small_tables,
    targets_text,
    two_threads_slower,
)
from .rules import RULES, fused_available
from .timing import Settings
from .torch_optim import load_torch

ROOT = Path(__file__).resolve().parents[2]
#: The results the performance page shows (docs/performance.md includes the .txt).
COMMITTED = ROOT / "benchmarks" / "results.json"
#: Where a run that is not saved writes its numbers (build/ is ignored by git).
SCRATCH = ROOT / "build" / "bench" / "results.json"


def _progress(message: str) -> None:
    print(f"  ... {message}", file=sys.stderr, flush=True)


def run(settings: Settings, quick: bool = False) -> dict[str, Any]:
    """Run every section, print the tables, return every number."""
    start = time.perf_counter()
    torch = load_torch()
    reference = build_reference()
    info = machine_info(torch, reference)
    print(header_text(info, settings, quick), flush=True)
    if reference.kind != "c":
        print(f"NOTE: {reference.note}", flush=True)

    single = []
    for n in settings.sizes:
        for dtype in DTYPES:
            for rule in RULES:
                _progress(f"{RULES[rule].label} n={fmt_n(n)} {dtype}")
                single.append(measure_single(rule, n, dtype, settings, reference, torch))
    print("\n" + single_tables(single, torch is not None), flush=True)
    if fused_available():
        print("\n" + compile_table(single), flush=True)
    else:
        print("\nNOTE: numba is not installed, so the fused path was not measured", flush=True)

    largest = max(settings.sizes)
    bounds = []
    for dtype in DTYPES:
        for rule in RULES:
            ref_s = next(
                (r.reference_s for r in single if (r.rule, r.n, r.dtype) == (rule, largest, dtype)),
                None,
            )
            _progress(f"NumPy ceiling {RULES[rule].label} {dtype}")
            bounds.append(measure_numpy_bound(rule, largest, dtype, settings, ref_s))
    print("\n" + bound_table(bounds), flush=True)

    small = []
    for dtype in DTYPES:
        for rule in ("sgd", "adam"):
            _progress(f"{SMALL_COUNT} x {SMALL_SIZE} {RULES[rule].label} {dtype}")
            small.append(measure_small(rule, dtype, settings, reference, torch))
    print("\n" + small_tables(small, torch is not None), flush=True)

    _progress("memory")
    memory = [row for dtype in DTYPES for row in measure_memory(dtype)]
    print("\n" + memory_table(memory), flush=True)

    targets = evaluate_targets(single, small)
    print("\n" + targets_text(targets), flush=True)
    rows2 = [(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s) for r in single]
    rows2 += [(r.torch_2threads_s, r.torch_foreach_s, r.torch_fused_s) for r in small]
    if any(two_threads_slower(*times) for times in rows2):
        print(
            "* torch on 2 threads was slower than on 1: the second core was busy with other "
            f"work (load average at start {info['load_average_at_start']}), so these 2-thread "
            "times measure the contention, not torch"
        )
    notes = sorted(
        {r.torch_note for r in single if r.torch_note}
        | {r.torch_note for r in small if r.torch_note}
    )
    for note in notes:
        print(f"torch note: {note}")
    elapsed = time.perf_counter() - start
    print(f"\ntotal time {elapsed:.1f} s", flush=True)
    return {
        "schema": 1,
        "quick": quick,
        "machine": info,
        "settings": asdict(settings),
        "reference": {"kind": reference.kind, "note": reference.note},
        "rules": {k: asdict(v) for k, v in RULES.items()},
        "single": [asdict(r) for r in single],
        "numpy_bound": [asdict(r) for r in bounds],
        "small_arrays": [asdict(r) for r in small],
        "memory": [asdict(r) for r in memory],
        "targets": [asdict(t) for t in targets],
        "elapsed_s": elapsed,
    }


def _shown(path: Path) -> str:
    """``path`` relative to the working directory where it lies below it."""
    try:
        return os.path.relpath(path) if path.resolve().is_relative_to(Path.cwd()) else str(path)
    except ValueError:
        return str(path)


def _is_committed(path: Path) -> bool:
    """True if ``path`` (or its .txt sibling) is one of the committed result files."""
    committed = {COMMITTED.resolve(), COMMITTED.with_suffix(".txt").resolve()}
    return bool({path.resolve(), path.with_suffix(".txt").resolve()} & committed)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The options, with ``output``: the .json path the numbers go to (the .txt beside it)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.optimizers",
        description="How fast is a descend step, against this machine's memory bandwidth "
        "and torch.optim? Prints the report; writes the numbers to a scratch copy unless "
        "--save is given.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="n = 1e4 and 1e6 only, shorter runs (CI smoke)"
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help=f"update the committed {_shown(COMMITTED)} and .txt, which the docs' performance "
        "page shows (a full run only)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        metavar="PATH",
        help="write every number to PATH and the report beside it (.txt); default "
        f"{_shown(SCRATCH)}, ignored by git",
    )
    # The smallest settings, for the tests: meaningless numbers in a few seconds.
    parser.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.save:
        if args.quick or args.tiny:
            parser.error("--save keeps only full runs: drop --quick")
        if args.json is not None and not _is_committed(args.json):
            parser.error(f"--save writes {_shown(COMMITTED)}: drop --json")
        args.output = COMMITTED
    else:
        args.output = SCRATCH if args.json is None else args.json
        if _is_committed(args.output):
            parser.error(
                f"{_shown(args.output)} holds the committed results that the performance page "
                "shows: add --save to update them (a full run only), or choose another path"
            )
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    settings = {"tiny": Settings.tiny, "quick": Settings.quick, "full": Settings.full}[
        "tiny" if args.tiny else "quick" if args.quick else "full"
    ]()
    quick = args.quick or args.tiny
    report = _Tee(sys.stdout)
    with contextlib.redirect_stdout(report):
        results = run(settings, quick=quick)
    json_path: Path = args.output
    txt_path = json_path.with_suffix(".txt")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(results, indent=1) + "\n")
    # The printed report too: the docs' performance page includes it as it is.
    txt_path.write_text(report.text.getvalue())
    wrote = f"wrote {_shown(json_path)} and {_shown(txt_path)}"
    if args.save:
        print(f"{wrote}: the committed results, which the performance page shows")
    else:
        print(
            f"{wrote} (the committed {_shown(COMMITTED)} and .txt are unchanged: "
            "a full run with --save updates them)"
        )
    return 0


class _Tee(io.TextIOBase):
    """Writes to a stream and keeps a copy of the text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.text = stream, io.StringIO()

    def write(self, s: str) -> int:
        self.text.write(s)
        return self.stream.write(s)

    def flush(self) -> None:
        self.stream.flush()


if __name__ == "__main__":
    sys.exit(main())
