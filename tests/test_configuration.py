"""A bad setting stops start-up with one line that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from proofroom.core.config import (
    ConfigError,
    database_from_url,
    derive_gallery_url,
    env_bool,
    env_choice,
    env_int,
    env_str,
    secrets_keys,
)


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PROOFROOM_", "DATABASE_URL", "GALLERY_DATABASE_URL", "DJANGO_"))
    }
    clean.update({"PROOFROOM_DATA": str(tmp_path / "data"), **env})
    return subprocess.run(
        [sys.executable, "-m", "proofroom.cli", *args],
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        (
            {"PROOFROOM_SIDE": "desk"},
            "PROOFROOM_SIDE must be one of studio, gallery, both (got 'desk')",
        ),
        (
            {"DATABASE_URL": "postgres//nohost"},
            "DATABASE_URL must be a postgres:// or sqlite:/// URL",
        ),
        (
            {"DATABASE_URL": "mysql://root@127.0.0.1/x"},
            "DATABASE_URL must be a postgres:// or sqlite:///",
        ),
        ({"DATABASE_URL": "postgres://127.0.0.1:5432"}, "DATABASE_URL must name a database"),
        ({"PROOFROOM_DEBUG": "yes"}, "PROOFROOM_DEBUG must be true or false (got 'yes')"),
        ({"PROOFROOM_SECRET_KEY": "short"}, "PROOFROOM_SECRET_KEY must be at least 32"),
        (
            {"PROOFROOM_TRUSTED_PROXIES": "yes"},
            "PROOFROOM_TRUSTED_PROXIES must be a whole number",
        ),
        (
            {"PROOFROOM_SECRETS_KEY": "not-a-fernet-key"},
            "PROOFROOM_SECRETS_KEY: each key must be 32 url-safe base64-encoded bytes",
        ),
        (
            {"PROOFROOM_TASKS": "celery"},
            "PROOFROOM_TASKS must be one of database, rq, immediate (got 'celery')",
        ),
        (
            {"PROOFROOM_TASKS": "rq", "PROOFROOM_REDIS_URL": "127.0.0.1:6379"},
            "PROOFROOM_REDIS_URL must be a redis://, rediss:// or unix:// URL",
        ),
        (
            {"PROOFROOM_SIDE": "gallery", "GALLERY_DATABASE_URL": "sqlite:////tmp/g.sqlite3"},
            "GALLERY_DATABASE_URL is only used when PROOFROOM_SIDE=both",
        ),
    ],
)
def test_bad_configuration_is_one_clear_line(
    tmp_path: Path, env: dict[str, str], needle: str
) -> None:
    result = run_cli(tmp_path, "migrate", **env)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_secret_key_from_file_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s" * 40 + "\n")
    assert (
        env_str("PROOFROOM_SECRET_KEY", "", environ={"PROOFROOM_SECRET_KEY_FILE": str(secret)})
        == "s" * 40
    )
    with pytest.raises(ConfigError, match="PROOFROOM_SECRET_KEY_FILE: cannot read"):
        env_str(
            "PROOFROOM_SECRET_KEY",
            "",
            environ={"PROOFROOM_SECRET_KEY_FILE": str(tmp_path / "missing")},
        )


def test_the_secrets_key_is_made_once_in_the_data_folder_or_taken_from_the_environment(
    tmp_path: Path,
) -> None:
    from cryptography.fernet import Fernet

    (made,) = secrets_keys(tmp_path, environ={})
    assert (tmp_path / "secrets_key").stat().st_mode & 0o777 == 0o600
    assert secrets_keys(tmp_path, environ={}) == [made]  # kept: sealed values stay readable
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    given = {"PROOFROOM_SECRETS_KEY": f"{new}, {old}"}
    assert secrets_keys(tmp_path, environ=given) == [new, old]  # newest first, for rotation


def test_strict_helpers_refuse_near_misses() -> None:
    assert env_bool("X", False, environ={"X": "TRUE"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    with pytest.raises(ConfigError, match="X must be true or false"):
        env_bool("X", False, environ={"X": "enabled"})
    with pytest.raises(ConfigError, match="N must be a whole number"):
        env_int("N", 1, environ={"N": "1.5"})
    with pytest.raises(ConfigError, match="N must be at least 1"):
        env_int("N", 1, minimum=1, environ={"N": "0"})
    with pytest.raises(ConfigError, match="C must be one of a, b"):
        env_choice("C", "a", ("a", "b"), environ={"C": "c"})


def test_password_in_a_bad_url_is_not_printed() -> None:
    with pytest.raises(ConfigError) as caught:
        database_from_url("DATABASE_URL", "mysql://user:s3cret@db/x")
    assert "s3cret" not in str(caught.value)


def test_gallery_database_sits_beside_the_studio_one() -> None:
    assert (
        derive_gallery_url("postgres://u@h:5432/proofroom")
        == "postgres://u@h:5432/proofroom_gallery"
    )
    assert (
        derive_gallery_url("sqlite:////srv/pr/studio.sqlite3")
        == "sqlite:////srv/pr/studio_gallery.sqlite3"
    )


def test_one_side_alone_serves_only_its_own_urls(tmp_path: Path) -> None:
    probe = (
        "import django, os\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'proofroom.settings'\n"
        "django.setup()\n"
        "from django.urls import resolve, Resolver404\n"
        "def ok(p):\n"
        "    try:\n        resolve(p); return True\n"
        "    except Resolver404:\n        return False\n"
        "print(ok('/desk/'), ok('/s/x/'))"
    )
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("PROOFROOM_", "DATABASE_URL"))
    }
    for side, expected in (
        ("studio", "True False"),
        ("gallery", "False True"),
        ("both", "True True"),
    ):
        env = {**clean, "PROOFROOM_SIDE": side, "PROOFROOM_DATA": str(tmp_path / side)}
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == expected, side


def test_migrate_makes_each_side_its_own_database(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    import sqlite3

    def tables(name: str) -> set[str]:
        with sqlite3.connect(tmp_path / "data" / name) as conn:
            return {
                row[0] for row in conn.execute("select name from sqlite_master where type='table'")
            }

    studio, gallery = tables("studio.sqlite3"), tables("gallery.sqlite3")
    assert "studio_studio" in studio and "auth_user" in studio
    assert "gallery_studio" in gallery and "gallery_session" in gallery
    assert not {t for t in studio if t.startswith("gallery_")}
    assert not {t for t in gallery if t.startswith(("studio_", "auth_", "django_session"))}
