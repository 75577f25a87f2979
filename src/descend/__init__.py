"""descend: see how models are fitted.

Small, typed NumPy optimizers whose code reads like the equations on the
docs pages, and which follow ``torch.optim`` step for step where PyTorch has
the algorithm.

>>> import numpy as np
>>> import descend
>>> opt = descend.Adam(lr=0.1)
>>> phi = np.array([1.0, -1.0])
>>> state = opt.init(phi)
>>> for _ in range(200):
...     phi, state = opt.step(phi, 2 * phi, state)   # L = |phi|^2
>>> bool(np.all(np.abs(phi) < 0.05))
True
"""

__version__ = "0.1.0"

from descend._base import Gradient, LearningRate, NonFiniteError, NonFiniteWarning, Optimizer, State
from descend.adaptive import Adagrad, Adam, AdamW, RMSprop
from descend.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from descend.fitting import Trajectory, fit
from descend.optimizers import SGD, GradientDescent, Momentum, NesterovMomentum, NormalizedGradient
from descend.params import FlatParams

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CheckpointError",
    "FlatParams",
    "Gradient",
    "GradientDescent",
    "LearningRate",
    "Momentum",
    "NesterovMomentum",
    "NonFiniteError",
    "NonFiniteWarning",
    "NormalizedGradient",
    "Optimizer",
    "RMSprop",
    "State",
    "Trajectory",
    "__version__",
    "fit",
    "load_checkpoint",
    "save_checkpoint",
]
