"""The rules of docs/architecture.md, checked on the code itself (issue 15).

These read the source as text and syntax trees; they import nothing of the apps, so a broken
layer shows up here as a failing test, not as an import error somewhere else.
"""

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
MAX_FILE_LINES = 500
MAX_VIEW_LINES = 40
# Files allowed over MAX_FILE_LINES, each with the reason.
LONG_FILES = {
    # The benchmark's data generator: one linear recipe, read top to bottom, never imported by
    # the product (bench is installed only with ACCORD_BENCH=1 or in tests).
    "bench/dataset.py": "benchmark data recipe",
    # Django settings are one file by convention (STYLE.md: "One config/settings.py").
    "config/settings.py": "one settings module",
}
# A function-level import between apps needs a comment saying why it cannot be at the top, on
# its line or above its block of imports: "# import-cycle: ..." or "# import-late: ...".
WHY_LATE = re.compile(r"#\s*import-(cycle|late):\s*\S")
# Values of User.Role and AccountMembership.Role, the words a permission check would compare.
ROLE_WORDS = {"lead", "specialist", "viewer", "manager", "salesperson"}
# Names of variables and keywords that hold lists of field or column names.
FIELDS = re.compile(r"fields|columns|display|ordering", re.IGNORECASE)


def app_files() -> list[Path]:
    """Every Python file of the apps, migrations aside (tests live outside the apps)."""
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def test_the_import_layers_hold():
    # import-linter's own command (the one `make test` runs), in a process of its own: in this
    # one, its dictConfig (disable_existing_loggers defaults to True) silenced every logger
    # already made, the request log among them, for the tests that ran after this one.
    result = subprocess.run(
        [Path(sys.executable).with_name("lint-imports"), "--no-cache", ROOT / "pyproject.toml"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def function_level_imports(source: str, own: str) -> list[tuple[int, str]]:
    """(line, module) of every import inside a function that names an app other than `own`."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            found += [
                (node.lineno, module)
                for module in modules
                if module.split(".")[0] in APPS and module.split(".")[0] != own
            ]
    return sorted(set(found))


def explained(lines: list[str], lineno: int) -> bool:
    """Whether the import at `lineno`, or the block of imports it ends, carries a reason."""
    index = lineno - 1
    while index >= 0:
        line = lines[index].strip()
        if WHY_LATE.search(line):
            return True
        if line and not (line.startswith(("from ", "import ", "#")) or index == lineno - 1):
            return False
        index -= 1
    return False


def test_no_function_level_imports_between_apps():
    unexplained = []
    for path in app_files():
        source = path.read_text()
        lines = source.splitlines()
        for lineno, module in function_level_imports(source, app_of(path)):
            if not explained(lines, lineno):
                unexplained.append(f"{relative(path)}:{lineno} imports {module}")
    assert not unexplained, "\n".join(unexplained)


def test_function_level_imports_are_found():
    source = "import health\ndef f():\n    from insights import summaries\n    import customers.x\n"
    assert function_level_imports(source, "customers") == [(3, "insights")]


def test_no_app_file_is_too_long():
    too_long = {
        relative(path): length
        for path in app_files()
        if (length := len(path.read_text().splitlines())) > MAX_FILE_LINES
    }
    assert set(too_long) <= set(LONG_FILES), too_long


def test_every_csv_export_goes_through_the_one_writer():
    """core/csv.py's csv_response neutralises formulas; a csv.writer elsewhere would not."""
    writers = [
        f"{relative(path)}:{node.lineno}"
        for path in app_files()
        # bench writes input files for the import benchmark: they are no one's export.
        if relative(path) != "core/csv.py" and app_of(path) != "bench"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr in {"writer", "DictWriter"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]
    assert not writers, writers


def view_functions(path: Path) -> list[ast.FunctionDef]:
    """Module-level functions whose first argument is the request: function views."""
    return [
        node
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef)
        and node.args.args
        and node.args.args[0].arg == "request"
    ]


def test_no_view_function_is_too_long():
    too_long = [
        f"{relative(path)}:{view.lineno} {view.name} ({length} lines)"
        for path in app_files()
        for view in view_functions(path)
        if (length := view.end_lineno - view.lineno + 1) > MAX_VIEW_LINES
    ]
    assert not too_long, "\n".join(too_long)


def role_literals(tree: ast.AST) -> list[int]:
    """Lines where a role name is used as a value: compared, passed as a role, or listed.

    "lead" and "specialist" are also field names (Customer.lead, Contribution.specialist), so a
    string is counted only where it stands for a role: in a comparison, as the value of a
    `role` keyword or dict entry, as an element of a literal collection that is not a list of
    field names, or as a key of a mapping that has several role keys.
    """
    lines = []

    def is_role(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in ROLE_WORDS

    def holds_role(node: ast.AST) -> bool:
        return is_role(node) or (
            isinstance(node, ast.Tuple | ast.List | ast.Set) and any(map(is_role, node.elts))
        )

    field_lists: set[int] = set()
    for node in ast.walk(tree):
        # Lists of field names: Meta.fields, select_related("lead"), order_by(...), and so on.
        if isinstance(node, ast.Call):
            field_lists.update(id(arg) for arg in node.args)
            field_lists.update(id(k.value) for k in node.keywords if k.arg and FIELDS.search(k.arg))
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and FIELDS.search(t.id) for t in targets):
                field_lists.add(id(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(holds_role(side) for side in [node.left, *node.comparators]):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword):
            if node.arg and node.arg.split("__")[-1] in {"role", "in"} and holds_role(node.value):
                lines.append(node.value.lineno)
        elif isinstance(node, ast.Dict):
            role_keys = [key for key in node.keys if key is not None and is_role(key)]
            if len(role_keys) > 1:
                lines.append(node.lineno)
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "role" and holds_role(value):
                    lines.append(value.lineno)
        elif (
            isinstance(node, ast.Tuple | ast.List | ast.Set)
            and id(node) not in field_lists
            and any(map(is_role, node.elts))
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_no_role_strings_outside_accounts():
    found = [
        f"{relative(path)}:{line}"
        for path in app_files()
        if app_of(path) != "accounts"
        for line in role_literals(ast.parse(path.read_text()))
    ]
    assert not found, "role names belong to accounts/ (AccountAccess, Role enums):\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "source",
    [
        'if membership.role == "viewer": pass',
        'allowed = user.role in ("manager", "admin")',
        'AccountMembership.objects.create(customer=c, user=u, role="specialist")',
        'members = [("spec1", "specialist")]',
        'row = {"user_id": 1, "role": "lead"}',
        'short = {"salesperson": "sales", "manager": "mgr"}',
    ],
)
def test_role_literals_are_found(source):
    assert role_literals(ast.parse(source)) == [1]


@pytest.mark.parametrize(
    "source",
    [
        'Customer.objects.select_related("lead", "specialist")',
        'fields = ["name", "lead"]',
        'CUSTOMER_COLUMNS = ("name", "lead")',
        'customer.save(update_fields=["lead", "updated_at"])',
        'models.Index(fields=["specialist", "status"])',
        'SORT_FIELDS = {"name": "Account", "lead": "Lead"}',
        'data.get("specialist")',
        "role = AccountMembership.Role.VIEWER",
    ],
)
def test_field_names_are_not_role_literals(source):
    assert role_literals(ast.parse(source)) == []
