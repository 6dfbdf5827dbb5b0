import pytest

from fleet import create_app
from fleet.config import Config, ConfigError


def test_defaults_are_safe_for_a_laptop():
    config = Config.from_env({})
    assert config.env == "development" and config.database_url is None
    assert config.asset_tag_prefix == "DIB"
    config.validate()


def test_environment_variables_are_read():
    config = Config.from_env({
        "FLEET_ENV": "production", "FLEET_SECRET_KEY": "s" * 40, "FLEET_ASSET_TAG_PREFIX": "RIGA",
        "FLEET_PUBLIC_URL": "https://fleet.izm.gov.lv/", "FLEET_DATABASE_URL": "postgresql+psycopg://x@db/fleet",
    })
    config.validate()
    assert config.public_url == "https://fleet.izm.gov.lv"
    assert config.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("env, message", [
    ({"FLEET_ENV": "production"}, "FLEET_SECRET_KEY must be set"),
    ({"FLEET_ENV": "production", "FLEET_SECRET_KEY": "short"}, "at least 32"),
    ({"FLEET_ENV": "staging"}, "FLEET_ENV must be one of"),
    ({"FLEET_ASSET_TAG_PREFIX": "dib-1"}, "FLEET_ASSET_TAG_PREFIX"),
])
def test_bad_configuration_is_refused_naming_the_variable(env, message, tmp_path):
    with pytest.raises((ConfigError, ValueError)) as e:
        create_app(Config.from_env(env), instance_path=str(tmp_path))
    assert message in str(e.value)


def test_development_keeps_its_secret_in_the_instance_folder(tmp_path):
    a = create_app(Config.from_env({}), instance_path=str(tmp_path))
    b = create_app(Config.from_env({}), instance_path=str(tmp_path))
    assert a.secret_key == b.secret_key and len(a.secret_key) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert a.extensions["fleet.engine"].url.database == str(tmp_path / "fleet.sqlite3")
