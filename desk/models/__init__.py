"""ORM models of the desk; importing this package registers every table."""

from desk.models import conversation, handoff, kb, organisation, staff
from desk.models.base import Base

__all__ = ["Base", "conversation", "handoff", "kb", "organisation", "staff"]
