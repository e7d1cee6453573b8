"""Configuration: production refuses the development SECRET_KEY and uses secure cookies."""

from __future__ import annotations

import pytest

from core import create_app
from core.config import DEFAULT_SECRET_KEY, ProductionConfig, config_for


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """An instance folder and a database URL of their own (no app is left running)."""
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    return {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "config.sqlite")}


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, "", None])
def test_production_refuses_default_secret_key(isolated, key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", {**isolated, "SECRET_KEY": key})


def test_production_refuses_the_class_default(isolated, monkeypatch):
    """The class reads SECRET_KEY from the environment at import; unset, it is the default."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError):
        create_app("production", isolated)


def test_production_with_a_real_key(isolated):
    app = create_app("production", {**isolated, "SECRET_KEY": "x7" * 32})
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert not app.config.get("TESTING")
    assert not app.debug


def test_development_accepts_the_default_key(isolated):
    app = create_app("development", {**isolated, "SECRET_KEY": DEFAULT_SECRET_KEY})
    assert app.config["ENV_NAME"] == "development"


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="SOHOA_ENV"):
        config_for("staging")


def test_environment_name_from_sohoa_env(monkeypatch):
    monkeypatch.setenv("SOHOA_ENV", "Production")
    assert config_for(None) is ProductionConfig
