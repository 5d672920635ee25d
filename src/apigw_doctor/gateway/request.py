"""The request the gateway walks: method, URL and headers, parsed once."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


class InvalidRequest(ValueError):
    """The URL or header cannot be a request API Gateway receives."""


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    scheme: str
    host: str
    port: int | None
    raw_path: str
    """The path as sent, percent-encoding kept; at least ``/``."""
    query: str
    fragment: str
    """The part after ``#``: a client never sends it (the path is truncated there)."""
    headers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def from_url(method: str, url: str, headers: tuple[tuple[str, str], ...] = ()) -> Request:
        """Parse ``url``. Raises :class:`InvalidRequest` for anything that is not an http(s) URL with a host."""
        url = url.strip()
        if "://" not in url:
            url = "https://" + url
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise InvalidRequest(f"not a URL: {url!r} ({exc})") from exc
        if parts.scheme not in ("http", "https"):
            raise InvalidRequest(f"not an http(s) URL: {url!r}")
        host = (parts.hostname or "").lower()
        if not host or any(c.isspace() for c in url):
            raise InvalidRequest(f"not a URL with a host: {url!r}")
        method = method.strip().upper()
        if not method.isalpha():
            raise InvalidRequest(f"not an HTTP method: {method!r}")
        return Request(method, url, parts.scheme, host, port, parts.path or "/", parts.query, parts.fragment, headers)

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def with_path(self, raw_path: str) -> Request:
        """The same request to another path on the same host (used to verify near misses)."""
        return self.with_url(self._base() + raw_path + (f"?{self.query}" if self.query else ""))

    def with_method(self, method: str) -> Request:
        return Request(
            method.upper(),
            self.url,
            self.scheme,
            self.host,
            self.port,
            self.raw_path,
            self.query,
            self.fragment,
            self.headers,
        )

    def with_url(self, url: str) -> Request:
        return Request.from_url(self.method, url, self.headers)

    def without_header(self, name: str) -> Request:
        lname = name.lower()
        kept = tuple((k, v) for k, v in self.headers if k.lower() != lname)
        return Request(
            self.method,
            self.url,
            self.scheme,
            self.host,
            self.port,
            self.raw_path,
            self.query,
            self.fragment,
            kept,
        )

    def _base(self) -> str:
        return f"{self.scheme}://{self.host}" + (f":{self.port}" if self.port else "")


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` -> ``("Name", "value")``, as curl's ``-H`` takes it."""
    name, sep, value = text.partition(":")
    if not sep or not name.strip() or any(c.isspace() for c in name.strip()):
        raise InvalidRequest(f"not a header 'Name: value': {text!r}")
    return name.strip(), value.strip()
