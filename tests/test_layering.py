"""The folder names are the architecture: imports go one way only (DESIGN.md, Layout).
env imports none of the others; planner imports env; agents import planner and env;
tasks may import everything."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"env": {"planner", "agents", "tasks"}, "planner": {"agents", "tasks"},
             "agents": {"tasks"}}


def modules(package: str) -> list[str]:
    names = [package]
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        names.append(info.name)
    return sorted(n for n in names if ".node_modules" not in n)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_imports_no_layer_above_it(package: str) -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {modules(package)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()
    assert FORBIDDEN[package] & set(out) == set()
