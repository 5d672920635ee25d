"""`apigw-doctor fix`: the remediation plan of a diagnosis (read-only: the plan changes nothing).

:mod:`.plan` builds it (pure), :mod:`.iac` tells whether infrastructure code manages the API and gives its patch,
:mod:`.facts` makes the few extra live reads (usage plans). ``docs/fix.md`` describes the output.
"""

from .iac import Iac, detect_iac
from .plan import (
    CREATE_DEPLOYMENT_QUOTA,
    SIDES,
    BlastRadius,
    CanaryImpact,
    MappingImpact,
    Plan,
    PlannedCall,
    StageImpact,
    UsagePlanFacts,
    UsagePlanImpact,
    build_plan,
    choose_side,
    planned_call,
)

__all__ = [
    "CREATE_DEPLOYMENT_QUOTA",
    "SIDES",
    "BlastRadius",
    "CanaryImpact",
    "Iac",
    "MappingImpact",
    "Plan",
    "PlannedCall",
    "StageImpact",
    "UsagePlanFacts",
    "UsagePlanImpact",
    "build_plan",
    "choose_side",
    "detect_iac",
    "planned_call",
]
