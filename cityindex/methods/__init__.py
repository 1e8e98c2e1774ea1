"""The method kernels, one module per stage, and the registry they register in.

`registry` declares what a method is and holds `REGISTRY`; it imports no kernel module. Each
kernel module registers its methods with ``@register`` when imported, and this package imports
every one of them below, so importing anything from `cityindex.methods` registers every method
once, with no import circle. Keep one import per line, so parallel work adding modules merges
cleanly.
"""

from cityindex.methods import (
    aggregate,  # noqa: F401
    ahp,  # noqa: F401
    bod,  # noqa: F401
    impute,  # noqa: F401
    mcda,  # noqa: F401
    mpi,  # noqa: F401
    normalise,  # noqa: F401
    normalise_vector,  # noqa: F401
    treat,  # noqa: F401
    weights,  # noqa: F401
    weights_objective,  # noqa: F401
    weights_optimised,  # noqa: F401
)
