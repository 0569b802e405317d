"""Training: drills and their exam rules, per-rep drill status, certification, report periods.

Pure domain code (no database): the services in :mod:`coach.services.training` and
:mod:`coach.services.analytics` store and query; these modules decide.
"""

from coach.training.drills import DrillRules
from coach.training.labels import label
from coach.training.periods import Period
from coach.training.status import AttemptStats, DrillStatus, drill_status, urgency

__all__ = [
    "AttemptStats",
    "DrillRules",
    "DrillStatus",
    "Period",
    "drill_status",
    "label",
    "urgency",
]
