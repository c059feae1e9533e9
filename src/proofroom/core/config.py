"""Strict helpers that read the environment.

A bad value stops start-up with one line that names the variable, never a
traceback (healthchecks' ``envbool`` is the model: "yes" is not a boolean).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A configuration value is missing or malformed; the message names the variable."""


_TRUE = {"true", "1", "on"}
_FALSE = {"false", "0", "off", ""}


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """A string from ``NAME``, or from the file named by ``NAME_FILE`` (for secrets)."""
    environ = os.environ if environ is None else environ
    file_name = environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE: cannot read {file_name!r} ({exc.strerror})") from exc
    return environ.get(name, default)


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false (got {raw!r})")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number (got {raw!r})") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum} (got {value})")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum} (got {value})")
    return value


def env_choice(
    name: str, default: str, choices: Iterable[str], *, environ: Mapping[str, str] | None = None
) -> str:
    environ = os.environ if environ is None else environ
    allowed = tuple(choices)
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)} (got {raw!r})")
    return value


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    environ = os.environ if environ is None else environ
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


_DB_SCHEMES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def database_from_url(name: str, url: str) -> dict[str, object]:
    """A Django ``DATABASES`` entry from a URL, refusing anything we do not support."""
    import dj_database_url

    parts = urlsplit(url)
    if parts.scheme not in _DB_SCHEMES:
        raise ConfigError(f"{name} must be a postgres:// or sqlite:/// URL (got {_redact(url)!r})")
    if parts.scheme != "sqlite" and not parts.path.strip("/"):
        raise ConfigError(f"{name} must name a database, e.g. postgres://user@host:5432/proofroom")
    if parts.scheme == "sqlite" and not parts.path.strip("/"):
        raise ConfigError(f"{name} must name a file, e.g. sqlite:////srv/proofroom/studio.sqlite3")
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"{name} is not a valid database URL ({exc})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = sqlite_options()
    config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_options() -> dict[str, object]:
    # WAL lets the web threads read while the worker thread writes; IMMEDIATE
    # transactions stop "database is locked" upgrades under concurrent writes.
    return {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }


def derive_gallery_url(studio_url: str) -> str:
    """The gallery's database beside the studio's: same server, name + ``_gallery``."""
    parts = urlsplit(studio_url)
    if parts.scheme == "sqlite":
        base = studio_url.split("?", 1)[0]
        stem, dot, ext = base.rpartition(".")
        if dot and "/" not in ext:
            return f"{stem}_gallery.{ext}"
        return f"{base}_gallery"
    return parts._replace(path=parts.path.rstrip("/") + "_gallery").geturl()


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def secret_key(data_dir: Path, *, environ: Mapping[str, str] | None = None) -> str:
    """``PROOFROOM_SECRET_KEY`` if given, else a key made once and kept in the data folder."""
    given = env_str("PROOFROOM_SECRET_KEY", "", environ=environ)
    if given:
        if len(given) < 32:
            raise ConfigError("PROOFROOM_SECRET_KEY must be at least 32 characters long")
        return given
    path = data_dir / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def secrets_keys(data_dir: Path, *, environ: Mapping[str, str] | None = None) -> list[str]:
    """The keys that seal secrets kept in a database (a card gateway's key, say), newest
    first: ``PROOFROOM_SECRETS_KEY`` (comma-separated Fernet keys, to rotate: put the new one
    first), else a key made once and kept in the data folder, beside the database but never
    in it, so a dump of the database alone cannot give the secrets away."""
    from cryptography.fernet import Fernet

    given = env_str("PROOFROOM_SECRETS_KEY", "", environ=environ)
    if given:
        keys = [k.strip() for k in given.split(",") if k.strip()]
        for key in keys:
            try:
                Fernet(key)
            except ValueError as exc:
                raise ConfigError(
                    "PROOFROOM_SECRETS_KEY: each key must be 32 url-safe base64-encoded bytes "
                    '(make one with: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())")'
                ) from exc
        return keys
    path = data_dir / "secrets_key"
    try:
        return [path.read_text(encoding="utf-8").strip()]
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key().decode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return [path.read_text(encoding="utf-8").strip()]
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return [key]
