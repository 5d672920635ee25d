"""The embedded AWS: moto's server in this process, on 127.0.0.1 and a free port, answering boto3 like AWS.

Before it starts, the fidelity modules patch moto server-side: ``apisummary`` (deployment snapshots,
GetDeployment ``embed=apisummary``, a few read-side gaps, and through ``v2deploy``/``v2export`` HTTP API
deployments and their ExportApi) and ``export`` (GetExport from the stage's deployment, as AWS writes it).
See docs/sandbox.md.

::

    with Sandbox() as box:                       # starts in a few ms; the first API Gateway call takes ~0.6 s
        apigw = box.client("apigateway")         # dummy credentials, endpoint_url, one attempt per call
        ...
        box.reset()                              # empty every service again

moto's state is process-global, not per server: every moto server (and every ``mock_aws``) in one Python
process reads and writes the same backends. Two Sandboxes in one process are two servers, each with its own
port and thread, over one shared state: an API created through one is visible through the other, and
``reset()`` on either empties both. Starting a Sandbox never resets; stopping one leaves the other running.
Use one Sandbox per process (the test suite has one per session) and ``reset()`` between users.

:func:`~apigw_doctor.sandbox.apisummary.install` runs before the server starts, so the server answers
GetDeployment with the deployment's ``apiSummary`` as AWS does (see that module for every gap it closes).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.request import ProxyHandler, Request, build_opener

if TYPE_CHECKING:
    from types import TracebackType

    from moto.server import ThreadedMotoServer

HOST = "127.0.0.1"
DEFAULT_REGION = "us-east-1"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"
ACCOUNT_ID = "123456789012"
"""The account moto maps the dummy credentials to."""


class SandboxError(RuntimeError):
    """The sandbox was used while not running, or moto's server did not answer as expected."""


class Sandbox:
    """moto's ``ThreadedMotoServer`` on ``127.0.0.1:<free port>``, with boto3 clients and sessions that reach it.

    ``quiet`` (the default) keeps werkzeug's per-request log lines off stderr by setting the process-wide
    ``werkzeug`` logger to WARNING, unless the application set its level; moto's crash tracebacks still show.
    """

    def __init__(self, region: str = DEFAULT_REGION, *, quiet: bool = True) -> None:
        self.region = region
        self.quiet = quiet
        self._server: ThreadedMotoServer | None = None
        self._port = 0
        self._lock = threading.Lock()
        self._loader: Any = None
        self._sessions: dict[str, Any] = {}
        """One session per region for :meth:`client` (creating a client from a warm session takes ~4 ms)."""

    # -- life cycle ------------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        """Bind a free port on 127.0.0.1 and serve. Starting a running Sandbox is an error."""
        from moto.server import ThreadedMotoServer

        from . import export
        from .apisummary import install

        if self._server is not None:
            raise SandboxError(f"the sandbox is already running on {self.endpoint_url}")
        install()
        export.install()
        if self.quiet:
            _quiet_werkzeug()
        server = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        if host != HOST:
            server.stop()
            raise SandboxError(f"moto's server bound {host}, not {HOST}")
        self._server, self._port = server, port
        return self

    def stop(self) -> None:
        """Stop serving, wait for the server thread and close the port. Idempotent.

        werkzeug checks for a shutdown request every 0.5 s; connecting to the port wakes it up at once, so
        stopping takes milliseconds. moto's state is kept (it is process-global): ``reset()`` clears it.
        """
        server, self._server = self._server, None
        if server is None:
            return
        with self._lock:
            self._sessions.clear()  # their profile names this run's port
        done = threading.Event()
        waker = threading.Thread(target=_wake, args=((HOST, self._port), done), name="sandbox-stop", daemon=True)
        waker.start()
        try:
            server.stop()  # shutdown(), then joins the server thread; werkzeug closes the socket on the way out
        finally:
            done.set()
            waker.join()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        self._require()
        return self._port

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:<port>``: every AWS service answers there (moto routes by the request)."""
        self._require()
        return f"http://{HOST}:{self._port}"

    # -- state -----------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Empty every service (``POST /moto-api/reset``), in every account and region, for every server."""
        self._post("/moto-api/reset")

    def seed_random(self, value: int) -> None:
        """Seed moto's id generator (``POST /moto-api/seed``): the same calls then produce the same ids."""
        self._post(f"/moto-api/seed?a={int(value)}")

    # -- clients ---------------------------------------------------------------------------------------
    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for ``service`` on the sandbox: dummy credentials, one attempt per call, no proxy."""
        from botocore.config import Config  # type: ignore[import-untyped]

        config = Config(retries={"mode": "standard", "total_max_attempts": 1}, proxies={})
        region = region or self.region
        endpoint = self.endpoint_url
        session = self._sessions.get(region) or self._sessions.setdefault(region, self.session(region))
        with self._lock:  # a boto3 session is not thread-safe; the clients it makes are
            return session.client(service, endpoint_url=endpoint, config=config)

    def session(self, region: str | None = None) -> Any:
        """A new ``boto3.Session`` with the dummy credentials whose clients all reach the sandbox.

        The session ignores ``~/.aws`` and ``AWS_PROFILE`` and carries the sandbox's endpoint and one attempt
        per call as its profile configuration, so ``session.client("apigateway")`` needs no ``endpoint_url``;
        an explicit ``endpoint_url`` or ``config`` still wins. Sessions share one botocore loader, which
        makes a new session about five times cheaper than ``boto3.Session()``.
        """
        import boto3  # type: ignore[import-untyped]
        import botocore.loaders  # type: ignore[import-untyped]
        import botocore.session  # type: ignore[import-untyped]

        endpoint = self.endpoint_url
        region = region or self.region
        with self._lock:
            if self._loader is None:
                self._loader = botocore.loaders.create_loader()
            core = botocore.session.Session()
            core.register_component("data_loader", self._loader)
            core.set_config_variable("config_file", os.devnull)
            core.set_config_variable("credentials_file", os.devnull)
            core.set_config_variable("profile", "default")
            core.full_config["profiles"]["default"] = {
                "region": region,
                "endpoint_url": endpoint,
                "retry_mode": "standard",
                "max_attempts": "1",
            }
            paths = self._loader.search_paths
            before = list(paths)
            session = boto3.session.Session(
                aws_access_key_id=ACCESS_KEY_ID,
                aws_secret_access_key=SECRET_ACCESS_KEY,
                region_name=region,
                botocore_session=core,
            )
            if len(paths) > len(before) and paths[-1] in before:
                del paths[-1]  # boto3 appends its data path to the shared loader on every new session
        return session

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a subprocess that must reach the sandbox (``subprocess.run(..., env=box.env())``).

        ``base`` (``os.environ`` by default) without its ``AWS_*`` variables, plus the sandbox's endpoint,
        dummy credentials, region, one attempt per call, no shared config or credentials files and no IMDS
        look-up, and 127.0.0.1 added to ``NO_PROXY``. ``env({})`` gives the sandbox's variables alone.
        """
        source = os.environ if base is None else base
        env = {k: v for k, v in source.items() if not k.upper().startswith("AWS_")}
        env.update(
            {
                "AWS_ENDPOINT_URL": self.endpoint_url,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION": self.region,
                "AWS_REGION": self.region,
                "AWS_RETRY_MODE": "standard",
                "AWS_MAX_ATTEMPTS": "1",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        for key in ("NO_PROXY", "no_proxy"):
            hosts = [h for h in env.get(key, "").split(",") if h.strip()]
            env[key] = ",".join([*hosts, HOST, "localhost"] if HOST not in hosts else hosts)
        return env

    # -- helpers ---------------------------------------------------------------------------------------
    def _require(self) -> None:
        if self._server is None:
            raise SandboxError("the sandbox is not running (use `with Sandbox() as box:` or call start())")

    def _post(self, path: str) -> None:
        opener = build_opener(ProxyHandler({}))
        request = Request(self.endpoint_url + path, data=b"", method="POST")
        with opener.open(request, timeout=10) as response:
            if response.status != 200:
                raise SandboxError(f"POST {path} answered {response.status}")

    def __repr__(self) -> str:
        where = self.endpoint_url if self.running else "stopped"
        return f"Sandbox({where}, region={self.region!r})"


def _wake(address: tuple[str, int], done: threading.Event) -> None:
    """Connect to the port until the server has stopped: each connection ends werkzeug's 0.5 s select wait."""
    while not done.wait(0.01):
        try:
            socket.create_connection(address, timeout=0.5).close()
        except OSError:
            return


def _quiet_werkzeug() -> None:
    """Drop werkzeug's INFO request lines (one per call) unless the application configured that logger."""
    logger = logging.getLogger("werkzeug")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
