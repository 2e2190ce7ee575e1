"""The two import cycles issue 15 named in accounts and core stay gone.

core sits below accounts, so nothing in core/middleware.py imports accounts (the two-factor
gate lives in accounts/middleware.py); accounts/tasks.py imports accounts/services.py, which
queues the tasks by name instead of importing them back. Function-level imports count too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("core/middleware.py", "accounts"),
        ("accounts/services.py", "accounts.tasks"),
        ("accounts/mfa.py", "core.middleware"),
    ],
)
def test_no_import_back_up_the_cycle(module, forbidden):
    found = {
        name
        for name in imported_modules(ROOT / module)
        if name == forbidden or name.startswith(f"{forbidden}.")
    }
    assert not found, f"{module} imports {sorted(found)}"
