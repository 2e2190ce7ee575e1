"""The static build of a production deployment: `collectstatic` with production settings
(manifest storage) succeeds on a clean folder, and the vendored libraries are the published
files with every source map they name (static/vendor/README.md)."""

import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.production.env import ROOT, manage, production_env

STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
SOURCE_MAP = re.compile(rb"[#@] sourceMappingURL=(\S+)")


def test_vendored_files_are_the_published_ones():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        listed[name] = digest
    present = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.suffix in {".js", ".map"}}
    assert present == set(listed), "update static/vendor/SHA256SUMS (see its README)"
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def test_every_source_map_named_by_a_static_file_is_there():
    missing = []
    for path in STATIC.rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for reference in SOURCE_MAP.findall(path.read_bytes()):
            target = reference.decode()
            if target.startswith("data:"):
                continue
            if not (path.parent / target).is_file():
                missing.append(f"{path.relative_to(ROOT)} -> {target}")
    assert not missing, missing


@pytest.mark.slow
def test_collectstatic_with_production_settings_on_a_clean_folder(tmp_path: Path):
    root = tmp_path / "static"
    env = production_env(ALLOWED_HOSTS="accord.example.com", STATIC_ROOT=str(root))
    manage("collectstatic", "--noinput", env=env)

    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    script = manifest["vendor/chartjs/chart.umd.min.js"]
    source_map = manifest["vendor/chartjs/chart.umd.min.js.map"]
    assert re.fullmatch(r"vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js", script)
    # The manifest storage rewrote the reference to the map's hashed name.
    assert f"sourceMappingURL={Path(source_map).name}".encode() in (root / script).read_bytes()
    for name in ("css/accord.css", "vendor/htmx/htmx.min.js"):
        hashed = root / manifest[name]
        assert hashed.is_file()
        # whitenoise's compressed copies, served by nginx's gzip_static.
        assert hashed.with_name(hashed.name + ".gz").is_file()
