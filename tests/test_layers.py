"""The package's layers (pyproject.toml, [tool.importlinter]) hold, and no module imports
itself through others: the import graph of `cityindex` has no circle."""

from __future__ import annotations

import grimp


def test_no_module_of_cityindex_reaches_itself_through_its_imports() -> None:
    graph = grimp.build_graph("cityindex")
    circles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported != module and graph.chain_exists(importer=imported, imported=module):
                circles.append((module, imported))
    assert circles == []
