import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "p7#kq-2v!xz9m$w4t@r8c&y1n^b5h*j3l6u0e+a_s=d(f)g[i]o{p}QZ",
    "ALLOWED_HOSTS": "accord.example.com",
    "DATABASE_URL": "postgres://accord:secret@127.0.0.1:5432/accord",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_HOST": "smtp.example.com",
    "ACCORD_TESTING": "0",
}


def _manage(*args: str, extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV)
    env["SECRET_KEY"] = ""
    result = _manage("check", extra_env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_tests_run_with_debug_off_and_argon2_first():
    assert settings.DEBUG is False
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
