"""``python -m benchmarks.optimizers``: run the benchmark (see ``--help``)."""

import sys

from .cli import main

sys.exit(main())
