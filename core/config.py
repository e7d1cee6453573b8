"""Configuration classes, filled from the environment (see README: Configuration)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_path() -> Path:
    """Folder for the SQLite file, uploads and keys (SOHOA_INSTANCE_PATH)."""
    raw = os.environ.get("SOHOA_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    return Path(raw).resolve()


class BaseConfig:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # Redis publish/subscribe channels ignore the database number: two installations
    # sharing one Redis need different channels.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    CONFERENCE_ENGINE = os.environ.get("CONFERENCE_ENGINE", "embedded")
    JANUS_URL = os.environ.get("JANUS_URL", "http://127.0.0.1:8088/janus")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "sohoa@localhost")

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    # "Remember me" on a shared tablet lasts one working day, and logout revokes it.
    REMEMBER_COOKIE_DURATION = timedelta(hours=int(os.environ.get("REMEMBER_COOKIE_HOURS", "12")))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in throttling (core.login_guard): failures per account, all attempts per address.
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per minute")
    LOGIN_FAILURES_PER_ADDRESS_ACCOUNT = os.environ.get(
        "LOGIN_FAILURES_PER_ADDRESS_ACCOUNT", "5 per minute; 20 per hour"
    )
    LOGIN_ATTEMPTS_PER_ADDRESS = os.environ.get("LOGIN_ATTEMPTS_PER_ADDRESS", "600 per minute")
    # Joining a live lesson with the class code (unset: the classroom's own defaults).
    CLASS_JOIN_ATTEMPTS_PER_ADDRESS = os.environ.get("CLASS_JOIN_ATTEMPTS_PER_ADDRESS")
    CLASS_JOIN_FAILURES_PER_ADDRESS = os.environ.get("CLASS_JOIN_FAILURES_PER_ADDRESS")
    CLASS_JOIN_REQUESTS_PER_CODE = os.environ.get("CLASS_JOIN_REQUESTS_PER_CODE")
    # Socket.IO connections re-check their sign-in or token this often (and on every event).
    # Socket events whose handlers run at once in one process (0: no limit); see
    # core.realtime.EventTurns.
    SOCKET_EVENT_TURNS = int(os.environ.get("SOCKET_EVENT_TURNS", "4"))
    SOCKET_AUTH_RECHECK_SECONDS = float(os.environ.get("SOCKET_AUTH_RECHECK_SECONDS", "30"))
    # A process with live connections says it is alive this often; one silent for three
    # times this and 5 s more is gone, and its devices are forgotten (core.nodes). 0: no
    # heartbeat (one process that never sweeps; the tests).
    NODE_HEARTBEAT_SECONDS = float(os.environ.get("NODE_HEARTBEAT_SECONDS", "10"))
    # `sohoa serve` in production: one gunicorn process, this many threads (one per
    # open websocket, so more than the tablets in the largest meeting).
    SERVER_THREADS = int(os.environ.get("SERVER_THREADS", "500"))
    # Reverse proxies in front (nginx, HAProxy) whose X-Forwarded-For/-Proto are trusted:
    # without it the sign-in limits see the proxy's address and HSTS never sees HTTPS.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    MAX_URL_BYTES = 8000  # longer request targets get 414 (the production server stops at 8190)

    API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", "12"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024
    MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_DOCUMENT_MB", "40")) * 1024 * 1024
    MAX_DOCUMENT_PAGES = int(os.environ.get("MAX_DOCUMENT_PAGES", "2000"))
    # live connections one account may hold per Socket.IO namespace (tablet, laptop, phone…)
    SOCKETS_PER_USER = int(os.environ.get("SOCKETS_PER_USER", "5"))
    # people invited to one meeting (a city People's Council session has ~300 with guests)
    MAX_MEETING_PARTICIPANTS = int(os.environ.get("MAX_MEETING_PARTICIPANTS", "600"))
    # PDF validation budget (core/pdf.py), for uploads that inflate or draw out of measure:
    # any one stream may inflate to at most this many bytes,
    PDF_MAX_STREAM_BYTES = int(os.environ.get("PDF_MAX_STREAM_MB", "128")) * 1024 * 1024
    # the whole file to at most this many bytes,
    PDF_MAX_INFLATED_BYTES = int(os.environ.get("PDF_MAX_INFLATED_MB", "512")) * 1024 * 1024
    # and to at most this many times its own size (never less than one stream's cap);
    PDF_MAX_INFLATE_RATIO = float(os.environ.get("PDF_MAX_INFLATE_RATIO", "50"))
    # content-stream operators per page (a form XObject counts each time it is painted);
    PDF_MAX_PAGE_OPERATORS = int(os.environ.get("PDF_MAX_PAGE_OPERATORS", "2000000"))
    # declared image pixels per page (width × height, each image once);
    PDF_MAX_PAGE_PIXELS = int(os.environ.get("PDF_MAX_PAGE_PIXELS", "100000000"))
    # wall-clock seconds for the whole validation;
    PDF_VALIDATION_SECONDS = float(os.environ.get("PDF_VALIDATION_SECONDS", "10"))
    # address space of the validation child process (RLIMIT_AS), in MB.
    PDF_VALIDATION_MEMORY_MB = int(os.environ.get("PDF_VALIDATION_MEMORY_MB", "1024"))
    ICE_SERVERS: list = []


class DevelopmentConfig(BaseConfig):
    """`make run`: SQLite in the instance folder, in-process Socket.IO."""

    ENV_NAME = "development"
    DEBUG = False
    ARGON2_PROFILE = os.environ.get("SOHOA_ARGON2_PROFILE", "default")


class TestConfig(BaseConfig):
    """The test suite: a throwaway database, no CSRF on test forms unless asked."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    RATELIMIT_STORAGE_URI = "memory://"
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    ARGON2_PROFILE = "fast"
    NODE_HEARTBEAT_SECONDS = 0.0  # no heartbeat thread left running between tests


class ProductionConfig(BaseConfig):
    """Real deployments: a real SECRET_KEY is mandatory, cookies are secure."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[BaseConfig]:
    """The config class for SOHOA_ENV (development by default)."""
    key = (name or os.environ.get("SOHOA_ENV") or "development").lower()
    if key not in CONFIGS:
        raise RuntimeError(f"Unknown SOHOA_ENV {key!r}; use one of {', '.join(CONFIGS)}")
    return CONFIGS[key]
