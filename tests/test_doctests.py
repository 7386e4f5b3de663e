"""Docstring examples are tests: every public module's examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import policykg

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(policykg.__path__, prefix="policykg.")
    if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}"


def test_public_modules_are_found() -> None:
    assert {"policykg.graph.citations", "policykg.queries.runner", "policykg.build"} <= set(MODULES)
