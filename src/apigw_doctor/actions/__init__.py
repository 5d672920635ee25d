"""Actions: what changes the account (``fix --apply``, ``rollback``) and what touches the endpoint (``--probe``).

This is the outer edge of the house: it takes a plan from :mod:`apigw_doctor.fix` (pure) and makes it happen
through clients allowed exactly the write operations the change needs. It imports boto3 (through the live
source): import it only in the commands that apply or roll back.

* :mod:`.backup`: the backup file and its journal (atomic, fsynced).
* :mod:`.apply`: backup, change, verify, and roll back when the change did not take.
* :mod:`.rollback`: back to the backup, verified field by field.
* :mod:`.probe`: one real request.
"""

from .apply import APPLY_WRITES, Applier, ApplyResult, StepResult, Verification
from .backup import Backup, read_backup, unfinished
from .probe import ProbeResult, probe
from .rollback import ROLLBACK_WRITES, RollbackResult, Undo, rollback

__all__ = [
    "APPLY_WRITES",
    "ROLLBACK_WRITES",
    "Applier",
    "ApplyResult",
    "Backup",
    "ProbeResult",
    "RollbackResult",
    "StepResult",
    "Undo",
    "Verification",
    "probe",
    "read_backup",
    "rollback",
    "unfinished",
]
