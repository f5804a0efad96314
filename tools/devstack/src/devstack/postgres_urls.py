"""Converting PostgreSQL URLs between the plain form, SQLAlchemy's asyncpg form, and other databases."""

from urllib.parse import urlsplit, urlunsplit

_POSTGRES_SCHEMES = {
    "postgres",
    "postgresql",
    "postgresql+asyncpg",
    "postgresql+psycopg",
    "postgresql+psycopg2",
}


def _with_scheme(url: str, scheme: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in _POSTGRES_SCHEMES:
        raise ValueError(f"not a PostgreSQL URL: {parts.scheme}://…")
    return urlunsplit(parts._replace(scheme=scheme))


def plain_url(url: str) -> str:
    return _with_scheme(url, "postgresql")


def asyncpg_url(url: str) -> str:
    """The form SQLAlchemy's async engine takes."""
    return _with_scheme(url, "postgresql+asyncpg")


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/") or "postgres"
