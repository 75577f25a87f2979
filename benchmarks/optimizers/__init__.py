"""How fast is a descend step, against this machine's memory bandwidth and torch.optim?

Run ``python -m benchmarks.optimizers [--quick] [--save] [--json PATH]`` from
the repository's root (or ``nox -s bench``, which installs numba and the
pinned CPU torch). A run prints its report and writes the numbers to
``build/bench/results.json`` and ``.txt`` (ignored by git), or to ``--json
PATH``; only a full run with ``--save`` updates the committed
``benchmarks/results.json`` and ``results.txt`` that the docs' performance
page shows. Every table puts the ratios first, then the times and bandwidths:

* **ref frac**: descend's effective bandwidth as a fraction of a single-pass
  C kernel with the same access pattern (the arrays the rule must read and
  write, one fused loop, one thread), compiled here at run time with gcc and
  called through ctypes. 1.0 is the best one core does for that rule; without
  gcc a NumPy estimate (``np.copyto`` bandwidth scaled by the number of
  passes) stands in, and the header says so.
* **vs torch**: the time of torch.optim's best configuration (``foreach=True``
  or ``fused=True``, whichever is faster, one thread) divided by descend's:
  above 1x descend is faster.

The effective bandwidth is the bytes the rule must move divided by the time
per step: gradient descent reads phi and g and writes phi (3 array passes),
momentum SGD also reads and writes its buffer b (5), Adam reads phi, g, m, v
and writes phi, m, v (7). descend steps in place (``out=phi``). Each time is
the median over several timed runs after a warm-up, the number of steps per
run chosen so that one measurement takes a few tenths of a second; the runs of
all the implementations of one case (descend's two paths, the reference,
torch) are interleaved, so that a machine whose speed drifts slows them alike.

Speed is measured here, as ratios, and never asserted in the tests.

Modules, one concern each: ``rules`` (the update rules measured, descend's
optimizers for them, naive Adam), ``timing`` (warm-up, calibration,
interleaved timed runs), ``kernel`` (the C reference), ``torch_optim`` (the
torch.optim comparison), ``cases`` (one array, many small arrays, the NumPy
path's ceiling, memory), ``report`` (the header and the tables) and ``cli``
(the command line and where the numbers go).
"""
