"""Gunicorn's access log (production's server, jmo_portal/gunicorn_conf.py) masks secrets in
links: a real gunicorn with that config file, a request, then the log file is read."""

import datetime
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from jmo_portal.gunicorn_conf import MaskedAccessLogger

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "jmo_portal" / "gunicorn_conf.py"
SECRET = "Zq8sEcReTtOkEn"
LINKS = [
    f"/complaints/status/ADU-2026-000123/{SECRET}/",
    f"/complaints/status/ADU-2026-000123/{SECRET}/files/7/",
    f"/card/verify/{SECRET}/",
    f"/accounts/confirm-email/{SECRET}/",
    f"/anything/?token={SECRET}&page=2",
]

APP = """
def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _atoms(raw_uri: str, referer: str = "-") -> dict:
    path, _, query = raw_uri.partition("?")
    logger = MaskedAccessLogger.__new__(MaskedAccessLogger)
    logger.cfg = SimpleNamespace()
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": referer,
    }
    response = SimpleNamespace(status="200 OK", sent=2, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer)])
    return logger.atoms(response, request, environ, datetime.timedelta(milliseconds=5))


def test_the_logger_masks_the_request_line_path_query_and_referer():
    for link in LINKS:
        atoms = _atoms(link, referer=f"https://portal.example{LINKS[0]}")
        for name in ("r", "U", "q", "f", "{referer}i", "{raw_uri}e"):
            assert SECRET not in str(atoms[name]), (link, name, atoms[name])
        assert "********" in atoms["r"]
    # What support needs stays: the ticket number, the method, the status.
    atoms = _atoms(LINKS[0])
    assert atoms["r"] == "GET /complaints/status/ADU-2026-000123/********/ HTTP/1.1"
    assert atoms["s"] == "200"


def test_a_real_gunicorn_with_the_config_writes_masked_lines(tmp_path):
    (tmp_path / "tiny_app.py").write_text(APP)
    log = tmp_path / "access.log"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "--chdir",
            str(tmp_path),
            "--pythonpath",
            str(ROOT),
            "tiny_app:app",
        ],  # fmt: skip
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stderr.read().decode()) from None
                time.sleep(0.1)
        for link in LINKS:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{link}", timeout=5)  # noqa: S310
        deadline = time.monotonic() + 5
        while log.read_text().count("\n") < len(LINKS) + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert text.count("GET ") == len(LINKS) + 1, text
    assert SECRET not in text
    assert "/complaints/status/ADU-2026-000123/********/files/7/" in text
    assert "token=********&page=2" in text
