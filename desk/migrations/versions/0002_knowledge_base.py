"""Create knowledge-base entries, notices and guides.

Revision ID: 0002_knowledge_base
Revises: 0001_conversations
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_knowledge_base"
down_revision = "0001_conversations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_entries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("phrasings", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("reviewed", sa.Date(), nullable=False),
        sa.Column("review", sa.Text(), nullable=True),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_entries")),
    )
    op.create_index(
        op.f("ix_kb_entries_category"), "kb_entries", ["category"], unique=False
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(
        op.f("ix_notices_published"), "notices", ["published"], unique=False
    )
    op.create_table(
        "guides",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
    )
    op.create_index(op.f("ix_guides_category"), "guides", ["category"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_guides_category"), table_name="guides")
    op.drop_table("guides")
    op.drop_index(op.f("ix_notices_published"), table_name="notices")
    op.drop_table("notices")
    op.drop_index(op.f("ix_kb_entries_category"), table_name="kb_entries")
    op.drop_table("kb_entries")
