"""Diagnosis: from a walk to ranked causes with stable codes and copy-pasteable fixes."""

from .codes import BY_CODE, CAUSES, Cause
from .diagnose import diagnose
from .findings import Diagnosis, Finding, Fix, Reported

__all__ = ["BY_CODE", "CAUSES", "Cause", "Diagnosis", "Finding", "Fix", "Reported", "diagnose"]
