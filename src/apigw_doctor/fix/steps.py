"""One AWS write call as data (pure): its boto3 parameters, and the same call as an ``aws`` CLI line.

    Step(service="apigateway", operation="UpdateStage", params=(("restApiId", "abc"), ...), purpose="...")
    step.kwargs({"deployment_id": "d2"})  -> the boto3 keyword arguments (``${deployment_id}`` filled in)
    step.cli("us-east-1")                 -> 'aws apigateway update-stage --rest-api-id abc ... --region us-east-1'

``fix --apply`` makes the boto3 call, ``fix --script`` writes the shell line (:meth:`Step.shell`): both from the
same Step, so they cannot drift apart.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

Param = str | bool | tuple[tuple[tuple[str, str], ...], ...] | tuple[tuple[str, str], ...]
"""A call parameter: a string, a flag, a list of objects (patch operations) or one object (templates)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One write call: ``service``'s ``operation`` with ``params``; ``${name}`` in a value is a captured output."""

    service: str
    """``apigateway`` or ``apigatewayv2``."""
    operation: str
    """The API operation name: ``CreateDeployment``."""
    params: tuple[tuple[str, Param], ...]
    purpose: str
    capture: tuple[str, str] | None = None
    """(variable, response key): ``("deployment_id", "id")`` keeps the new deployment's id for later steps."""

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Step:
        """A step as a backup records it (``service``, ``operation``, ``params`` as boto3 takes them...)."""
        params: list[tuple[str, Param]] = []
        raw = data["params"]
        assert isinstance(raw, dict)
        for key, value in raw.items():
            if isinstance(value, list):
                params.append((key, tuple(tuple((str(k), str(v)) for k, v in item.items()) for item in value)))
            elif isinstance(value, dict):
                params.append((key, tuple((str(k), str(v)) for k, v in value.items())))
            elif isinstance(value, bool):
                params.append((key, value))
            else:
                params.append((key, str(value)))
        capture = data.get("capture")
        return cls(
            service=str(data["service"]),
            operation=str(data["operation"]),
            params=tuple(params),
            purpose=str(data.get("purpose", "")),
            capture=(str(capture[0]), str(capture[1])) if isinstance(capture, list | tuple) else None,
        )

    def kwargs(self, captured: Mapping[str, str]) -> dict[str, object]:
        """The boto3 keyword arguments, with ``${name}`` replaced by the captured values."""
        return {key: _resolve(value, captured) for key, value in self.params}

    def cli(self, region: str) -> str:
        """The same call as an ``aws`` CLI line; ``${name}`` becomes the shell variable ``"${NAME}"``."""
        return self.shell("aws", ("--region", region))

    def shell(self, command: str, extra: tuple[str, ...] = ()) -> str:
        """The call as a script line: ``command`` (a shell function adding ``--region``/``--profile``) in place
        of ``aws`` and no ``--region``; ``${name}`` becomes ``${NAME}`` inside double quotes, the rest is quoted
        for bash (a literal ``$`` as ``\\$``), and a capturing step assigns ``NAME=$(...)``."""
        words = [self.service, _kebab(self.operation)]
        for key, value in self.params:
            flag = "--" + _kebab(key)
            if isinstance(value, bool):
                words.append(flag if value else "--no-" + _kebab(key))
            elif isinstance(value, str):
                words += [flag, value]
            elif value and isinstance(value[0][0], tuple):
                words += [flag, *(",".join(f"{k}={v}" for k, v in item) for item in value)]
            else:
                words += [flag, _json_object(value)]  # type: ignore[arg-type]
        words += extra
        if self.capture is not None:
            words += ["--query", self.capture[1], "--output", "text"]

        def quoted(word: str) -> str:  # double quotes around a word holding a $, shlex.quote otherwise
            if "$" not in word:
                return shlex.quote(word)
            parts = re.split(r"\$\{(\w+)\}", word)
            for i in range(0, len(parts), 2):
                parts[i] = re.sub(r'([\\"$`])', r"\\\1", parts[i])
            for i in range(1, len(parts), 2):
                parts[i] = "${" + parts[i].upper() + "}"
            return '"' + "".join(parts) + '"'

        line = " ".join([command, *(quoted(w) for w in words)])
        return f"{self.capture[0].upper()}=$({line})" if self.capture is not None else line


def _kebab(name: str) -> str:
    """``CreateDeployment`` -> ``create-deployment``; ``restApiId`` -> ``rest-api-id``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _json_object(pairs: tuple[tuple[str, str], ...]) -> str:
    return json.dumps(dict(pairs), separators=(",", ":"))


def _resolve(value: Param, captured: Mapping[str, str]) -> object:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return re.sub(r"\$\{(\w+)\}", lambda m: captured[m[1]], value)
    if value and isinstance(value[0][0], tuple):
        return [{k: _resolve(v, captured) for k, v in item} for item in value]
    return {k: v for k, v in value}


__all__ = ["Param", "Step"]
