"""The examples in the planner's docstrings run as written."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["planner.graph", "planner.prior", "planner.lines", "planner.schedule",
           "planner.configs"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
