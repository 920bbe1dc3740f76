"""The compose file and proxy config agree with the code (no Docker engine here to run them)."""

import re
from pathlib import Path

import yaml

from deploy.processes import REPO
from inference.shared_server import LOCAL_SERVER_ENV, LOCAL_SERVER_SLOTS_ENV

DEPLOY = REPO / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_has_replicas_a_proxy_postgres_and_an_inference_server():
    services = _compose()["services"]
    assert set(services) == {"proxy", "app1", "app2", "postgres", "inference"}
    for name in ("app1", "app2"):
        app = services[name]
        assert app["build"] == {"context": "..", "dockerfile": "Dockerfile"}
        assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://crossover:")
        assert "@postgres:5432/crossover" in app["environment"]["DATABASE_URL"]
        assert app["environment"][LOCAL_SERVER_ENV] == "http://inference:8000/v1"
        assert app["environment"][LOCAL_SERVER_SLOTS_ENV] == "1"
        assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "--port 8000" in " ".join(services["inference"]["command"])
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "crossover"
    assert services["proxy"]["ports"] == ["8501:8501"]


def test_the_proxy_reaches_both_replicas_keeps_sessions_and_passes_websockets():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert re.findall(r"server (app\d):(\d+);", nginx) == [("app1", "8501"), ("app2", "8501")]
    assert "EXPOSE 8501" in (REPO / "Dockerfile").read_text()
    assert "ip_hash;" in nginx  # a Streamlit session lives in one replica
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx and "proxy_http_version 1.1;" in nginx
    assert any(v.endswith("nginx.conf:/etc/nginx/nginx.conf:ro") for v in _compose()["services"]["proxy"]["volumes"])


def test_the_image_holds_every_package_the_app_imports():
    dockerfile = (REPO / "Dockerfile").read_text()
    for package in ("advisor", "calculators", "inference", "charts", "decisions", "app"):
        assert f"COPY {package} {package}" in dockerfile
    assert Path(REPO / "deploy" / "compose.yaml").is_file()
