"""The README's 30-second example is the tool's real output."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

from apigw_doctor.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_readme_example_is_real_output() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```console\n\$ (apigw-doctor [^\n]*?) \\\n\s+(--source \S+)\n(.*?)```", text, re.S)
    assert block is not None
    argv = (block.group(1) + " " + block.group(2)).split()[1:]
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        code = main([*argv, "--color", "never"], out)
    finally:
        os.chdir(cwd)
    assert code == 1
    assert out.getvalue() == block.group(3)
