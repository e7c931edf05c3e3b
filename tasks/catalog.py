"""The task catalog: every task id, loaded by id, with shell-style selection.

Ids are `cooking/<name>` and `construction/<name>` for the tasks in the VillagerBench files, and
`escape/<rooms>-<seed>` for escape chains (any rooms 1 to 4 and seed >= 0 loads; the listing
shows escape/1-0 ... escape/4-3).

`source` is a folder holding any of the four VillagerBench files (farm_setting.json,
farm_blue_print.json, blueprint_description_all.json, escape_atom.json); a file missing there
is taken from the copy packaged in `tasks/data/villagerbench`.

    >>> load_task("construction/task_0").goal.blueprint[0].name
    'cut_sandstone'
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from tasks.importers import (
    TaskError,
    cooking_names,
    default_escape_ids,
    import_construction,
    import_cooking,
    import_escape,
    parse_escape_name,
)
from tasks.importers.common import load_json, one_line
from tasks.spec import TaskSpec

PACKAGED = Path(__file__).parent / "data" / "villagerbench"
COOKING_FILE = "farm_setting.json"
STRUCTURES_FILE = "farm_blue_print.json"
CONSTRUCTION_FILE = "blueprint_description_all.json"
ESCAPE_FILE = "escape_atom.json"

__all__ = ["TaskError", "data_file", "glob_tasks", "load_task", "task_ids"]


def data_file(name: str, source: Path | None = None) -> Path:
    """`source / name` if that file exists, else the packaged copy."""
    if source is not None:
        source = Path(source)
        if source.exists() and not source.is_dir():
            raise TaskError(f"task source {source} is not a folder")
        if (source / name).is_file():
            return source / name
    return PACKAGED / name


@lru_cache(maxsize=32)
def _load(path: str, _mtime_ns: int, _size: int) -> object:
    return load_json(Path(path))


def _read(name: str, source: Path | None) -> tuple[object, str]:
    """The parsed JSON of one data file (cached while the file is unchanged), and its path."""
    path = data_file(name, source)
    try:
        st = path.stat()
    except OSError:
        raise TaskError(f"{path}: missing") from None
    return _load(str(path), st.st_mtime_ns, st.st_size), str(path)


def _blueprints(source: Path | None) -> tuple[dict, str]:
    data, path = _read(CONSTRUCTION_FILE, source)
    if not isinstance(data, dict):
        raise TaskError(f"{path}: expected an object of task name -> list of lines")
    return data, path


def task_ids(source: Path | None = None) -> list[str]:
    """Every cooking and construction task in file order, then the default escape chains."""
    settings, spath = _read(COOKING_FILE, source)
    blueprints, _ = _blueprints(source)
    return ([f"cooking/{n}" for n in cooking_names(settings, spath)]
            + [f"construction/{n}" for n in blueprints]
            + default_escape_ids())


def _unknown(task_id: str, source: Path | None) -> TaskError:
    close = difflib.get_close_matches(task_id, task_ids(source), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return TaskError(f"unknown task id {task_id!r}{hint}")


def load_task(task_id: str, source: Path | None = None, agents: int = 2,
              strict: bool = False) -> TaskSpec:
    """The TaskSpec of `task_id`. `agents` matters for escape rooms (one copy of each random
    lever or plate per agent). A blueprint line that cannot be read, or a cooking task's hint
    that cannot, is passed over and listed in the spec's `import_warnings`; with `strict` it
    is a TaskError naming the task and the line or field."""
    family, _, name = task_id.partition("/")
    try:
        if family == "cooking" and name:
            settings, spath = _read(COOKING_FILE, source)
            names = cooking_names(settings, spath)
            if name not in names:
                raise _unknown(task_id, source)
            structures, _ = _read(STRUCTURES_FILE, source)
            return import_cooking(settings[names.index(name)], structures,  # type: ignore[index]
                                  file=spath, strict=strict)
        if family == "construction" and name:
            blueprints, bpath = _blueprints(source)
            if name not in blueprints:
                raise _unknown(task_id, source)
            return import_construction(name, blueprints[name], file=bpath, strict=strict)
        if family == "escape" and name:
            atoms, apath = _read(ESCAPE_FILE, source)
            return import_escape(name, atoms, agents, file=apath, strict=strict)
    except ValidationError as exc:
        raise TaskError(f"{task_id}: invalid task: {one_line(exc)}") from None
    raise _unknown(task_id, source)


def _is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def glob_tasks(patterns: str | Iterable[str], source: Path | None = None) -> list[str]:
    """The task ids matching any of the shell-style `patterns` (`cooking/*`, `*/task_1?`), pattern
    by pattern (each pattern's matches in catalog order), each id once. A plain id is taken as
    is (so any escape chain can be named); a pattern that matches nothing, or an unknown plain
    id, is an error."""
    if isinstance(patterns, str):
        patterns = [patterns]
    known = task_ids(source)
    out: dict[str, None] = {}
    for pattern in patterns:
        if _is_pattern(pattern):
            hits = [t for t in known if fnmatch.fnmatchcase(t, pattern)]
            if not hits:
                raise TaskError(f"no task matches {pattern!r}")
            out.update(dict.fromkeys(hits))
        elif pattern in known:
            out[pattern] = None
        elif pattern.startswith("escape/"):
            parse_escape_name(pattern.removeprefix("escape/"))
            out[pattern] = None
        else:
            raise _unknown(pattern, source)
    return list(out)
