"""Custom domain names and their mappings (v1 base-path mappings and v2 API mappings, merged)."""

from __future__ import annotations

from dataclasses import dataclass

from .origin import NO_ORIGIN, Origin


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping:
    """One mapping of a custom domain to an API stage.

    ``base_path`` is ``""`` for ``(none)`` (the catch-all) or a key such as ``v1`` or ``orders/v2``
    (multi-level keys come from v2 API mappings). ``stage`` None is the v1 ``(none)`` stage: callers must
    put the stage name in the URL after the base path.
    """

    base_path: str
    api_id: str
    stage: str | None
    source: str = "v1"
    """``v1`` (base-path mapping) or ``v2`` (API mapping)."""
    origin: Origin = NO_ORIGIN

    @property
    def key_segments(self) -> tuple[str, ...]:
        return tuple(s for s in self.base_path.split("/") if s)


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainName:
    name: str
    endpoint_type: str = "REGIONAL"
    region: str | None = None
    mappings: tuple[Mapping, ...] = ()
    origin: Origin = NO_ORIGIN
