"""Mark knowledge-base entries edited through the desk API.

Revision ID: 0003_kb_desk_edits
Revises: 0002_knowledge_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_kb_desk_edits"
down_revision = "0002_knowledge_base"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "kb_entries",
        sa.Column("edited_in_desk_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("kb_entries") as batch:
        batch.drop_column("edited_in_desk_at")
