"""deploy/ stays complete: the environment template and the README's configuration table name
every setting Accord reads, and the units point at files that exist."""

import re

from tests.production.env import DEPLOY, ROOT, read_env_file
from tests.production.stack import Unit

# Read by the test runner only, never set on a deployed machine.
TEST_ONLY = {"ACCORD_TESTING", "ACCORD_BENCH", "PYTEST_XDIST_WORKER"}
# Read by the units and gunicorn.conf.py, not by Django: in the template, not in the table.
PROCESS_SETTINGS = {"WORKER_CONCURRENCY"}


def settings_read(path: str) -> set[str]:
    text = (ROOT / path).read_text()
    django = re.findall(r'\benv(?:_bool|_int|_list|_networks)?\(\s*"([A-Z][A-Z0-9_]+)"', text)
    environ = re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', text)
    return set(django) | set(environ)


def template_names() -> set[str]:
    text = (DEPLOY / "accord.env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_environment_template_lists_every_setting():
    wanted = (settings_read("config/settings.py") | settings_read("deploy/gunicorn.conf.py")) - (
        TEST_ONLY | {"PROMETHEUS_MULTIPROC_DIR", "RUNTIME_DIRECTORY"}
    )
    missing = wanted - template_names()
    assert not missing, f"add to deploy/accord.env.example: {sorted(missing)}"


def test_the_readme_configuration_table_explains_every_setting():
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") :]
    table = table[: table.index("\n## ", 3)]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    wanted = settings_read("config/settings.py") - TEST_ONLY
    missing = wanted - documented
    assert not missing, f"add to README.md's configuration table: {sorted(missing)}"


def test_the_template_sets_what_the_units_expand():
    values = read_env_file(DEPLOY / "accord.env.example")
    for name in ("accord-web", "accord-worker", "accord-beat"):
        unit = Unit.load(name)
        for variable in re.findall(r"\$\{(\w+)\}", unit.exec_start):
            assert variable in values or variable == "STATE_DIRECTORY", (name, variable)
    assert "--config deploy/gunicorn.conf.py" in Unit.load("accord-web").exec_start
    assert (DEPLOY / "gunicorn.conf.py").is_file()
    assert set(values) >= PROCESS_SETTINGS
