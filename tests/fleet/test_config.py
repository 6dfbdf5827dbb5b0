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


def test_the_reports_settings_are_read_and_reach_the_roll_ups(tmp_path):
    from fleet.reports import health_rollups

    config = Config.from_env({"FLEET_RETURN_BY": "05-31", "FLEET_ROLLUP_SECONDS": "60",
                              "FLEET_EVIDENCE_DIR": str(tmp_path / "packs"),
                              "FLEET_AUDIT_RETENTION_UNTIL": "2032-06-30"})
    assert (config.rollup_seconds, config.evidence_dir, config.audit_retention_until) == (
        60, str(tmp_path / "packs"), "2032-06-30")
    try:
        create_app(config, instance_path=str(tmp_path))
        assert health_rollups.RETURN_BY == (5, 31)
    finally:
        health_rollups.RETURN_BY = Config().return_by_day()


@pytest.mark.parametrize("env, message", [
    ({"FLEET_ENV": "production"}, "FLEET_SECRET_KEY must be set"),
    ({"FLEET_ENV": "production", "FLEET_SECRET_KEY": "short"}, "at least 32"),
    ({"FLEET_ENV": "staging"}, "FLEET_ENV must be one of"),
    ({"FLEET_ASSET_TAG_PREFIX": "dib-1"}, "FLEET_ASSET_TAG_PREFIX"),
    ({"FLEET_RETURN_BY": "02-29"}, "FLEET_RETURN_BY must be a month and day"),
    ({"FLEET_RETURN_BY": "6-30"}, "FLEET_RETURN_BY must be a month and day"),
    ({"FLEET_AUDIT_RETENTION_UNTIL": "2031"}, "FLEET_AUDIT_RETENTION_UNTIL must be a date"),
    ({"FLEET_ROLLUP_SECONDS": "0"}, "FLEET_ROLLUP_SECONDS"),
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


LDAP = {
    "FLEET_LDAP_URL": "ldap://ldap.skolas.lv:389", "FLEET_LDAP_USER_BASE": "ou=people,dc=skolas,dc=lv",
    "FLEET_LDAP_BIND_DN": "cn=fleet,ou=services,dc=skolas,dc=lv", "FLEET_LDAP_BIND_PASSWORD": "s",
    "FLEET_LDAP_ROLE_GROUPS": '{"cn=fleet-it,ou=groups,dc=skolas,dc=lv": "school_it", "cn=izm,dc=lv": "ministry"}',
}


def test_the_directory_is_configured_by_fleet_ldap_variables(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    config = Config.from_env({**LDAP, "FLEET_LDAP_START_TLS": "true", "FLEET_LDAP_CA_FILE": str(ca),
                              "FLEET_LDAP_GROUP_BASE": "ou=groups,dc=skolas,dc=lv", "FLEET_LDAP_TIMEOUT": "2.5"})
    config.validate()
    d = config.directory
    assert d.role_groups["cn=izm,dc=lv"] == "ministry" and d.start_tls and d.ca_file == str(ca) and d.timeout == 2.5
    assert (d.user_filter, d.school_attribute) == ("(uid={username})", "departmentNumber")
    assert Config.from_env({}).directory is None  # local accounts only


@pytest.mark.parametrize("change, message", [
    ({"FLEET_LDAP_URL": "http://ldap"}, "FLEET_LDAP_URL must be"),
    ({"FLEET_LDAP_URL": "ldaps://ldap", "FLEET_LDAP_START_TLS": "1"}, "does not apply to ldaps"),
    ({"FLEET_LDAP_USER_BASE": ""}, "FLEET_LDAP_USER_BASE"),
    ({"FLEET_LDAP_USER_FILTER": "uid={username}"}, "FLEET_LDAP_USER_FILTER"),
    ({"FLEET_LDAP_USER_FILTER": "(|(uid={username})(mail={username}))"}, "{username} once"),
    ({"FLEET_LDAP_BIND_PASSWORD": ""}, "go together"),
    ({"FLEET_LDAP_ROLE_GROUPS": "{not json"}, "must be a JSON object"),
    ({"FLEET_LDAP_ROLE_GROUPS": "{}"}, "must map group DNs to roles"),
    ({"FLEET_LDAP_ROLE_GROUPS": '{"cn=x": "pilot"}'}, "unknown roles ['pilot']"),
    ({"FLEET_LDAP_SCHOOL_GROUP_PATTERN": "cn=skola-\\d+"}, "capture exactly one group"),
    ({"FLEET_LDAP_SCHOOL_GROUP_PATTERN": "cn=(("}, "not a regular expression"),
    ({"FLEET_LDAP_CA_FILE": "/nav/ca.pem"}, "FLEET_LDAP_CA_FILE"),
    ({"FLEET_LDAP_TIMEOUT": "ātri"}, "FLEET_LDAP_TIMEOUT"),
    ({"FLEET_LDAP_TIMEOUT": "0"}, "FLEET_LDAP_TIMEOUT"),
    ({"FLEET_SESSION_MINUTES": "astoņas"}, "FLEET_SESSION_MINUTES must be a whole number"),
    ({"FLEET_SIGNIN_FAILURES_PER_USER": "0"}, "FLEET_SIGNIN_FAILURES_PER_USER must be at least 1"),
])
def test_a_directory_configuration_that_cannot_work_is_refused(change, message):
    with pytest.raises(ConfigError) as e:
        Config.from_env({**LDAP, **change}).validate()
    assert message in str(e.value)


# --- FLEET_PUBLIC_URL: printed permanently into every label and agreement ------------------------

PRODUCTION = {"FLEET_ENV": "production", "FLEET_SECRET_KEY": "s" * 40}


@pytest.mark.parametrize("public_url", [
    None, "", "http://127.0.0.1:5000", "http://localhost:8000/", "https://LOCALHOST", "http://fleet.localhost",
    "http://127.8.0.1", "http://[::1]:5000", "http://0.0.0.0:5000", "fleet.example.lv",
])
def test_production_refuses_a_missing_or_loopback_public_url(public_url, tmp_path):
    env = PRODUCTION if public_url is None else {**PRODUCTION, "FLEET_PUBLIC_URL": public_url}
    with pytest.raises(ConfigError) as e:
        create_app(Config.from_env(env), instance_path=str(tmp_path))
    assert "FLEET_PUBLIC_URL" in str(e.value) and "\n" not in str(e.value)


def test_production_starts_with_a_public_url(tmp_path):
    app = create_app(Config.from_env({**PRODUCTION, "FLEET_PUBLIC_URL": "https://fleet.example.lv"}),
                     instance_path=str(tmp_path))
    assert app.config["FLEET"].public_url == "https://fleet.example.lv"


def test_in_development_the_public_url_follows_where_fleet_is_served():
    served = "http://127.0.0.1:5077"
    assert Config.from_env({}, served_at=served).public_url == served
    assert Config.from_env({"FLEET_PUBLIC_URL": ""}, served_at=served).public_url == served
    assert Config.from_env({}).public_url == "http://127.0.0.1:5000"  # nothing served: the default
    explicit = {"FLEET_PUBLIC_URL": "http://fleet.skola.lv/"}
    assert Config.from_env(explicit, served_at=served).public_url == "http://fleet.skola.lv"
    with pytest.raises(ConfigError, match="FLEET_PUBLIC_URL"):  # production never takes it from the port
        Config.from_env(PRODUCTION, served_at="http://fleet.example.lv:5000").validate()
