"""ORM models of the desk; importing this package registers every table."""

from desk.models import conversation, kb
from desk.models.base import Base

__all__ = ["Base", "conversation", "kb"]
