"""The production nginx configuration (deploy/nginx), run for real in front of the test portal.

Debian's nginx runs as the current user from a configuration rendered into a temporary
directory (`nginx -p DIR -c DIR/nginx.conf`, `daemon off`), on free loopback ports, with a
self-signed certificate: HTTP redirects to HTTPS as in production, HTTPS serves the built
site and proxies /pengaduan/ to the LiveServer (waitress). scripts/test installs nginx and
openssl; without them these tests fail, saying why (skipped when TESTS_WITHOUT names nginx).
"""

from __future__ import annotations

import gzip
import http.client
import importlib.util
import os
import re
import shlex
import shutil
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import ROOT, LiveServer, form_token, free_port, photo_bytes, require
from test_e2e import fill_form, submit

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")

spec = importlib.util.spec_from_file_location("render_nginx", ROOT / "deploy" / "nginx" / "render.py")
render_nginx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(render_nginx)

CATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));
"""


class Nginx:
    def __init__(self, tmp: Path, live_server):
        self.tmp = tmp
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://127.0.0.1:{self.https_port}"
        self.http_url = f"http://127.0.0.1:{self.http_port}"
        self.conf = tmp / "conf"
        self.errors = tmp / "galat"
        result = live_server.flask("error-pages", str(self.errors))
        assert result.returncode == 0, result.stderr
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                        "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
                       check=True, capture_output=True)
        render_nginx.render(self.conf, site_dir=live_server.tmp / "site", errors_dir=self.errors,
                            portal=f"127.0.0.1:{live_server.port}", server_name="127.0.0.1",
                            http_listen=f"127.0.0.1:{self.http_port}", https_listen=f"127.0.0.1:{self.https_port}",
                            cert=str(tmp / "cert.pem"), key=str(tmp / "key.pem"), standalone=True)
        self.process = None

    def start(self):
        check = subprocess.run([NGINX, "-t", "-p", str(self.conf), "-c", str(self.conf / "nginx.conf")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([NGINX, "-p", str(self.conf), "-c", str(self.conf / "nginx.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while time.time() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode()
            try:
                self.request("GET", "/")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start within 15 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def request(self, method, path, body=None, headers=None, tls=True, source=None):
        # source: the client's own address (any of 127/8 on Linux), as nginx's $remote_addr sees it.
        bind = (source, 0) if source else None
        if tls:
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=30, source_address=bind,
                                               context=ssl._create_unverified_context())
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30, source_address=bind)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, live_server):
    require("nginx", NGINX is not None, "nginx is not installed (scripts/test installs Debian's nginx)")
    require("nginx", OPENSSL is not None,
            "openssl is not installed (scripts/test installs it, for the test certificate)")
    server = Nginx(tmp_path_factory.mktemp("nginx"), live_server)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tls_page(browser, nginx):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 740}, locale="id-ID")
    context.add_init_script(CATCH_CSP)
    page = context.new_page()
    yield page
    context.close()


SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=()", "x-frame-options": "DENY"}


def assert_security_headers(headers, *, https=True):
    for name, value in SECURITY.items():
        assert headers.get_all(name) == [value], name
    csp = headers.get_all("content-security-policy")
    assert csp and len(csp) == 1, csp
    assert "frame-ancestors 'none'" in csp[0] and "unsafe-inline" not in csp[0] and "unsafe-eval" not in csp[0]
    assert ("strict-transport-security" in headers) == https
    assert "nginx/" not in (headers.get("server") or "")  # no version number


def site_pages(site: Path) -> list[str]:
    pages = sorted("/" + str(p.parent.relative_to(site)) + "/" for p in site.rglob("index.html"))
    return [p.replace("/./", "/") for p in pages]


def test_site_pages_are_served_by_nginx_with_gzip_caching_and_headers(nginx, built_site):
    pages = site_pages(built_site)
    assert "/" in pages and len(pages) >= 2
    for path in pages:
        status, headers, body = nginx.request("GET", path, headers={"Accept-Encoding": "gzip"})
        assert status == 200, path
        assert headers["content-encoding"] == "gzip", path
        assert headers["cache-control"] == "no-cache"
        assert_security_headers(headers)
        assert gzip.decompress(body) == (built_site / path.lstrip("/") / "index.html").read_bytes()

    bundles = [p for p in built_site.glob("assets/**/*.min.*") if re.search(r"\.[0-9a-f]{8}\.min\.(js|css)$", p.name)]
    assert bundles
    for bundle in bundles:
        status, headers, _ = nginx.request("GET", "/" + str(bundle.relative_to(built_site)))
        assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
        assert_security_headers(headers)

    status, headers, body = nginx.request("GET", "/tidak-ada/")
    assert status == 404 and body == (built_site / "404.html").read_bytes()
    assert_security_headers(headers)


def test_favicon_at_the_site_root_is_the_sites_icon(nginx, built_site):
    status, headers, body = nginx.request("GET", "/favicon.ico")
    assert status == 200 and headers["content-type"] == "image/png"
    assert body == (built_site / "assets" / "images" / "favicon.png").read_bytes()


def test_http_redirects_to_https_without_hsts(nginx):
    status, headers, _ = nginx.request("GET", "/layanan/?a=1", tls=False)
    assert status == 301
    assert headers["location"] == f"{nginx.url}/layanan/?a=1"
    assert "strict-transport-security" not in headers


def test_plain_http_configuration_sends_no_hsts(tmp_path, built_site):
    (tmp_path / "413.html").write_text('<p class="x">Berkas terlalu besar $1 \\</p>')
    (tmp_path / "413-situs.html").write_text("<p>Editor</p>")
    (tmp_path / "limits.json").write_text('{"situs_mb": 16}')
    render_nginx.render(tmp_path / "plain", site_dir=built_site, errors_dir=tmp_path, tls=False,
                        http_listen="127.0.0.1:1")
    text = (tmp_path / "plain" / "site.conf").read_text()
    assert "ssl" not in text and "return 301" not in text
    # HSTS is sent from a map on $scheme: empty (so not sent at all) for http.
    assert 'return 413 "<p class=\\"x\\">Berkas terlalu besar &#36;1 \\\\</p>";' in (tmp_path / "plain" / "locations.conf").read_text()
    assert re.search(r'map \$scheme \$dk_hsts \{\s*https\s+"max-age=\d+";\s*default\s+"";', text)


def test_portal_through_nginx_keeps_its_policy_and_gets_hsts(nginx, live_server):
    status, headers, body = nginx.request("GET", "/pengaduan/")
    assert status == 200 and b"Kirim pengaduan" in body
    assert_security_headers(headers)
    # nginx's copies of the portal's pages carry the very policy the portal sends.
    assert headers["content-security-policy"] == render_nginx.PORTAL_CSP
    status, headers, _ = nginx.request("GET", "/pengaduan")
    assert status == 301 and headers["location"].endswith("/pengaduan/")


def test_client_max_body_size_matches_the_portal(nginx, app):
    text = (nginx.conf / "locations.conf").read_text()
    mb = int(re.search(r"client_max_body_size (\d+)m;", text).group(1))
    assert mb * 1024 * 1024 == app.config["MAX_CONTENT_LENGTH"]


def test_render_runs_with_the_systems_python_without_the_portals_packages(tmp_path, built_site, nginx):
    # Production runs `python3 deploy/nginx/render.py` outside the portal's virtualenv.
    result = subprocess.run([sys.executable, "-S", "-I", str(ROOT / "deploy" / "nginx" / "render.py"),
                             "--out", str(tmp_path / "conf"), "--no-tls", "--site-dir", str(built_site),
                             "--errors-dir", str(nginx.errors), "--http-listen", "127.0.0.1:1"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "client_max_body_size" in (tmp_path / "conf" / "locations.conf").read_text()


def test_the_site_editor_takes_its_own_larger_uploads_through_nginx_and_its_own_refusal_page(nginx, app):
    from portal.domain import site_forms
    text = (nginx.conf / "locations.conf").read_text()
    editor_mb = int(re.search(r"location /pengaduan/staf/situs/ \{\s*client_max_body_size (\d+)m;", text).group(1))
    assert editor_mb * 1024 * 1024 >= site_forms.REQUEST_MAX_BYTES > (editor_mb - 1) * 1024 * 1024

    def post(path, size):
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"docx\"; filename=\"berita.docx\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"\0" * size + f"\r\n--{boundary}--\r\n".encode()
        return nginx.request("POST", path, body=body,
                             headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})

    # Above the editor's limit: nginx answers with the editor's page, which names the editor's limits.
    status, _, page = post("/pengaduan/staf/situs/impor", editor_mb * 1024 * 1024 + 1024)
    assert status == 413
    assert page == (nginx.errors / "413-situs.html").read_bytes()
    assert f"{site_forms.DOCX_MAX_BYTES // (1024 * 1024)} MB" in page.decode()
    # Within it, the request reaches the portal (which asks a stranger to sign in).
    status, _, _ = post("/pengaduan/staf/situs/impor", app.config["MAX_CONTENT_LENGTH"] // 2)
    assert status != 413


def test_oversized_upload_is_refused_by_nginx_with_the_indonesian_page(nginx, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"lampiran\"; filename=\"besar.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + b"\0" * (limit + 1024) + f"\r\n--{boundary}--\r\n".encode()
    status, headers, page = nginx.request("POST", "/pengaduan/", body=body,
                                          headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 413
    assert page == (nginx.errors / "413.html").read_bytes()
    text = page.decode()
    assert "Berkas terlalu besar" in text and f"{app.config['MAX_FILE_MB']} MB" in text
    assert_security_headers(headers)
    assert headers["content-security-policy"] == render_nginx.PORTAL_CSP


def test_oversized_upload_in_the_browser_shows_the_indonesian_page(browser, nginx, live_server, app):
    # Without JavaScript, as on a phone that has it off: the form posts the huge file as it is.
    context = browser.new_context(ignore_https_errors=True, java_script_enabled=False,
                                  viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(nginx.url + "/pengaduan/")
    fill_form(page, desa_label="Karangsoko")
    page.get_by_label("Lampiran (tidak wajib)").set_input_files(
        {"name": "video.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"\0" * app.config["MAX_CONTENT_LENGTH"]})
    page.get_by_role("button", name="Kirim pengaduan").click()
    expect(page.get_by_role("heading", name="Berkas terlalu besar")).to_be_visible()
    context.close()


def test_complaint_filed_through_nginx_in_chromium(tls_page, nginx, live_server):
    tls_page.goto(nginx.url + "/pengaduan/")
    fill_form(tls_page, photo=photo_bytes(), body="Pengaduan lewat nginx: akta kelahiran belum jadi.")
    code = submit(tls_page)
    assert tls_page.url.startswith(nginx.url + "/pengaduan/")
    assert tls_page.evaluate("window.__csp") == []
    conn = sqlite3.connect(live_server.data_dir / "portal.db")
    try:
        row = conn.execute("SELECT body, (SELECT count(*) FROM attachments a WHERE a.complaint_id = c.id) "
                           "FROM complaints c WHERE tracking_code = ?", [code.replace("-", "")]).fetchone()
    finally:
        conn.close()
    assert row == ("Pengaduan lewat nginx: akta kelahiran belum jadi.", 1)


def test_site_pages_run_their_scripts_under_the_csp(tls_page, nginx, built_site):
    deepest = max(site_pages(built_site), key=lambda p: p.count("/"))
    for path in ("/", "/layanan-pengaduan/", deepest, "/tidak-ada/"):
        tls_page.goto(nginx.url + path)
        # Material's bundle ran (it swaps the html element's no-js class) and its inline helpers exist.
        expect(tls_page.locator("html")).not_to_have_class(re.compile(r"\bno-js\b"))
        assert tls_page.evaluate("typeof __md_get") == "function", path
        assert tls_page.evaluate("window.__csp") == [], path
    # The search runs in a worker and fetches its index: both allowed by the policy.
    tls_page.goto(nginx.url + "/")
    search = tls_page.locator("input[data-md-component=search-query]")
    if search.count():
        tls_page.keyboard.press("/")
        search.press_sequentially("pengaduan", delay=50)
        expect(tls_page.locator(".md-search-result__item").first).to_be_visible(timeout=15000)
    assert tls_page.evaluate("window.__csp") == []


def test_csp_rendering_refuses_what_a_hash_cannot_allow(tmp_path):
    (tmp_path / "index.html").write_text('<script>a()</script><script type="application/json">{}</script>'
                                         '<script src="x.js"></script>')
    assert render_nginx.inline_script_hashes(tmp_path) == \
        ["'sha256-" + __import__("base64").b64encode(__import__("hashlib").sha256(b"a()").digest()).decode() + "'"]
    (tmp_path / "tabel.html").write_text('<td style="text-align: right;">1</td><style>p{}</style>')
    csp = render_nginx.site_csp(tmp_path)
    style_src = re.search(r"style-src ([^;]*);", csp).group(1).split()
    assert style_src[:2] == ["'self'", "'unsafe-hashes'"] and len(style_src) == 4
    assert "'sha256-" + __import__("base64").b64encode(
        __import__("hashlib").sha256(b"text-align: right;").digest()).decode() + "'" in style_src
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text('<button onclick="x()">x</button>')
    with pytest.raises(render_nginx.SiteError, match="sub/index.html: inline event handler onclick="):
        render_nginx.inline_script_hashes(tmp_path)


def test_rate_limits_count_the_forwarded_client_only_when_trusted(tmp_path, smtp):
    from conftest import portal_config
    from portal import create_app

    def lookups(trusted: int) -> list[int]:
        app = create_app({**portal_config(tmp_path / f"d{trusted}", smtp.port), "RATELIMIT_TRACK": "2 per hour",
                          "TRUSTED_PROXIES": trusted})
        client = app.test_client()
        html = client.get("/pengaduan/lacak").get_data(as_text=True)
        token = form_token(html)
        codes = []
        # nginx appends the address it sees; a client may send its own X-Forwarded-For first.
        for forwarded in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2", "9.9.9.9, 10.0.0.2", "10.0.0.2"):
            codes.append(client.post("/pengaduan/lacak", data={"code": "ABCD", "csrf_token": token},
                                     headers={"X-Forwarded-For": forwarded}).status_code)
        return codes

    assert [c == 429 for c in lookups(1)] == [False, False, True, False, False, True]
    assert [c == 429 for c in lookups(0)] == [False, False, True, True, True, True]


# ---------------------------------------------------------------- the documented deployment, end to end

UNIT = ROOT / "deploy" / "systemd" / "dispendukcapil-portal.service"
ENV_EXAMPLE = ROOT / "deploy" / "portal.env.example"


def unit_lines(key: str) -> list[str]:
    """The values of `key=` in the portal's unit file (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", UNIT.read_text())
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(key + "=")]


def env_file(path: Path) -> dict[str, str]:
    """An EnvironmentFile as systemd reads it: KEY=VALUE lines, quotes removed, # comments skipped."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = " ".join(shlex.split(value))
    return values


class UnitServer(LiveServer):
    """waitress started with exactly the unit's ExecStart and the settings of portal.env.example;
    only what is specific to this machine (paths, port, mail server) is replaced."""

    def __init__(self, tmp: Path, smtp, **settings):
        super().__init__(tmp, smtp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(env_file(ENV_EXAMPLE))
        local = {"PORTAL_DATA_DIR": str(self.data_dir), "PORTAL_BACKUP_DIR": str(tmp / "cadangan"),
                 "PORTAL_SITE_DIR": str(tmp / "site"), "PORTAL_BASE_URL": self.url,
                 "PORTAL_MAIL_SERVER": "127.0.0.1", "PORTAL_MAIL_PORT": str(smtp.port),
                 "PORTAL_MAIL_USE_TLS": "false", **settings}
        assert not {k for k in local if "PROXIES" in k}, "the trust in nginx must come from the documented settings"
        env.update(local)
        for key in ("PORTAL_MAIL_USERNAME", "PORTAL_MAIL_PASSWORD"):
            env.pop(key, None)
        self.env = env
        (exec_start,) = unit_lines("ExecStart")
        argv = shlex.split(exec_start)
        assert argv[0] == "/srv/dispendukcapil/app/.venv/bin/waitress-serve", argv
        port = argv.index("--port") + 1
        assert argv[port] == "8000"  # where render.py's --portal points by default
        argv[port] = str(self.port)
        self.command = [sys.executable, "-m", "waitress", *argv[1:]]

    def start(self):
        for pre in unit_lines("ExecStartPre"):
            argv = shlex.split(pre)
            assert argv[:3] == ["/srv/dispendukcapil/app/.venv/bin/flask", "--app", "portal"], argv
            assert self.flask(*argv[3:]).returncode == 0, self.log_path.read_text()
        super().start()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, session_smtp, built_site):
    """nginx from deploy/nginx in front of waitress as the systemd unit starts it."""
    require("nginx", NGINX is not None and OPENSSL is not None,
            "nginx and openssl are needed (scripts/test installs them)")
    tmp = tmp_path_factory.mktemp("deployed")
    (tmp / "site").symlink_to(built_site)
    portal = UnitServer(tmp, session_smtp, PORTAL_RATELIMIT_SUBMIT="2 per hour", PORTAL_RATELIMIT_LOGIN="3 per hour")
    portal.start()
    server = Nginx(tmp_path_factory.mktemp("deployed-nginx"), portal)
    server.portal = portal
    server.start()
    yield server
    server.stop()
    portal.stop()


def post_from(nginx, client: str, path: str, fields: dict, forwarded: str | None = None) -> int:
    """A browser at address `client` opens the page and posts its form; the answer's status."""
    status, headers, body = nginx.request("GET", path, source=client)
    assert status == 200
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get_all("set-cookie"))
    token = form_token(body.decode())
    extra = {"X-Forwarded-For": forwarded} if forwarded else {}
    status, _, _ = nginx.request("POST", path, body=urllib.parse.urlencode({**fields, "csrf_token": token}),
                                 headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
                                          "Referer": nginx.url + path, **extra}, source=client)
    assert status != 400, "the form was not accepted for checking (CSRF)"
    return status


def submit_from(nginx, client: str, forwarded: str | None = None) -> int:
    """One citizen opens the complaint form and sends it (empty: it is refused with the form's own
    messages, but it counts against the submission limit like any other)."""
    return post_from(nginx, client, "/pengaduan/", {}, forwarded)


def test_each_client_address_has_its_own_rate_limit_through_nginx(deployed):
    first, second = "127.0.0.2", "127.0.0.3"
    # The limit is 2 an hour: the first citizen uses it up and is told to wait...
    assert [submit_from(deployed, first) == 429 for _ in range(3)] == [False, False, True]
    # ...while a citizen elsewhere in the regency can still send the form.
    assert submit_from(deployed, second) != 429
    # The first cannot get out of its count by claiming another address, nor use up the second's.
    assert submit_from(deployed, first, forwarded="10.1.2.3") == 429
    assert submit_from(deployed, first, forwarded=second) == 429
    assert submit_from(deployed, second) != 429
    assert submit_from(deployed, second) == 429


def test_rendered_nginx_sets_the_forwarded_address_itself(deployed):
    # nginx replaces any X-Forwarded-For the client sent with the address it sees; it never appends.
    text = (deployed.conf / "proxy-portal.conf").read_text()
    assert re.findall(r"proxy_set_header X-Forwarded-For (\S+);", text) == ["$remote_addr"]
    locations = (deployed.conf / "locations.conf").read_text()
    assert "X-Forwarded-For" not in locations.replace("# ", "")  # every proxied location includes that file
    assert locations.count("include " + str(deployed.conf) + "/proxy-portal.conf;") == 2


def test_complaint_filed_in_chromium_through_the_deployed_portal(browser, deployed):
    # Behind nginx the portal knows the request came over HTTPS (X-Forwarded-Proto): the form's
    # CSRF check then also compares the Referer with the host, port included, over HTTP/2.
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 360, "height": 740}, locale="id-ID")
    page = context.new_page()
    page.goto(deployed.url + "/pengaduan/")
    fill_form(page, body="Pengaduan lewat nginx dan waitress seperti di server: KK belum jadi.")
    code = submit(page)
    context.close()
    conn = sqlite3.connect(deployed.portal.data_dir / "portal.db")
    try:
        found = conn.execute("SELECT count(*) FROM complaints WHERE tracking_code = ?",
                             [code.replace("-", "")]).fetchone()[0]
    finally:
        conn.close()
    assert found == 1


def test_wrong_logins_from_one_address_do_not_lock_out_staff_elsewhere(deployed):
    attacker, office = "127.0.0.4", "127.0.0.5"
    login = "/pengaduan/staf/masuk"
    tries = [post_from(deployed, attacker, login, {"username": f"karangan{i}", "password": "salah"}) == 429
             for i in range(4)]
    assert tries == [False, False, False, True]  # 3 an hour, on invented names
    # The office's own computer may still sign in (here: its attempt is answered, not refused).
    assert post_from(deployed, office, login, {"username": "admin", "password": "salah"}) != 429
