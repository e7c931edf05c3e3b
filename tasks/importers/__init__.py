"""Importers: VillagerBench's task files -> `TaskSpec`s, parsed by format, never by task name.

- `cooking`: farm_setting.json + farm_blue_print.json -> CookingGoal tasks
- `construction`: blueprint_description_all.json (text lines) -> ConstructionGoal tasks
- `escape`: escape_atom.json -> seeded chains of escape rooms (EscapeGoal)

Anything that cannot be read raises `TaskError`, one line naming the file, task and field.
"""

from tasks.importers.common import TaskError
from tasks.importers.construction import import_construction, parse_blueprint, parse_line
from tasks.importers.cooking import cooking_names, import_cooking
from tasks.importers.escape import (
    choose_atoms,
    default_escape_ids,
    import_escape,
    parse_escape_name,
)

__all__ = [
    "TaskError",
    "choose_atoms",
    "cooking_names",
    "default_escape_ids",
    "import_construction",
    "import_cooking",
    "import_escape",
    "parse_blueprint",
    "parse_escape_name",
    "parse_line",
]
