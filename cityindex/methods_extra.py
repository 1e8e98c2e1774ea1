"""Import point for method modules beyond the core ones, so the registry sees them.

Each module listed here registers its methods on import. Keep one import per line, so
parallel work adding modules merges cleanly.
"""

from cityindex import (
    ahp,  # noqa: F401
    bod,  # noqa: F401
    mcda,  # noqa: F401
    mpi,  # noqa: F401
    weights_objective,  # noqa: F401
    weights_optimised,  # noqa: F401
)
