"""The one way into the database (ARCHITECTURE §6): a `Repository` made of one store per
aggregate, each returning frozen records only.

    repo.leads       record scored pages; list and read leads; recheck history
    repo.reviews     audited review events and status changes; audit-chain check
    repo.labels      analysts' labels of hosts and domains, applied to later runs, exported
    repo.runs        crawl runs and their statistics
    repo.campaigns   leads linked by strong link evidence; the pivot over every capture
    repo.tips        tips (12345 hotline, the UI form) and what checking them found
    repo.references  captures of the genuine pages of protected targets
    repo.users       analyst accounts
    repo.artifacts   evidence files and their rows
"""

from __future__ import annotations

from sqlalchemy import func, select

from storage.artifacts import Artifacts
from storage.authlog import AuthLog
from storage.campaigns import Campaigns
from storage.db import Database
from storage.hostlabels import HostLabels
from storage.leads import ACTIVE_STATUSES, Leads
from storage.models import Base
from storage.records import SourceHit
from storage.references import References
from storage.reviews import Reviews
from storage.runs import Runs
from storage.sessions import Sessions
from storage.sql import NotFoundError
from storage.tips import Tips
from storage.users import ROLES, UnknownUserError, UserExistsError, Users


class Repository:
    """The aggregate stores over one `Database`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.leads = Leads(db)
        self.labels = HostLabels(db)
        self.reviews = Reviews(db)
        self.runs = Runs(db)
        self.campaigns = Campaigns(db)
        self.tips = Tips(db)
        self.references = References(db)
        self.users = Users(db)
        self.sessions = Sessions(db)
        self.auth_log = AuthLog(db)
        self.artifacts = Artifacts(db)

    def count(self, model: type[Base]) -> int:
        """Rows in one table (for tests, stats and the demo)."""
        with self.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


__all__ = [
    "ACTIVE_STATUSES",
    "ROLES",
    "NotFoundError",
    "Repository",
    "SourceHit",
    "UnknownUserError",
    "UserExistsError",
]
