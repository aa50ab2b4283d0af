"""Create the organisation, agent sessions, audit log and ticket extras.

Adds agencies, departments, agents, enterprises, agent sessions, the audit
log, ticket notes, contacts, ratings and attachments, the routing columns of
handoff tickets and the agent columns of messages.

Revision ID: 0004_human_handoff
Revises: 0003_kb_desk_edits
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_human_handoff"
down_revision = "0003_kb_desk_edits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_organisation()
    _create_staff_tables()
    _create_ticket_extras()
    _add_ticket_columns()
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("agent_username", sa.String(64), nullable=True))
        batch.add_column(sa.Column("agent_name", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("agent_name")
        batch.drop_column("agent_username")
    op.drop_index("ix_handoff_tickets_assigned_to_state", table_name="handoff_tickets")
    op.drop_index("ix_handoff_tickets_queue_state", table_name="handoff_tickets")
    with op.batch_alter_table("handoff_tickets") as batch:
        for name in _TICKET_COLUMNS:
            batch.drop_column(name)
    for table in (
        "attachments",
        "ratings",
        "contacts",
        "ticket_notes",
        "audit_log",
        "agent_sessions",
        "enterprises",
        "agents",
        "departments",
        "agencies",
    ):
        op.drop_table(table)


def _create_organisation() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("business_hours", sa.JSON(), nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("extra_workdays", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_departments_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
    )
    op.create_index(
        op.f("ix_departments_agency_id"), "departments", ["agency_id"], unique=False
    )
    op.create_table(
        "agents",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("department_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("presence", sa.String(16), nullable=False),
        sa.Column("presence_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_agents_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_agents_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_agents")),
    )
    op.create_index(op.f("ix_agents_agency_id"), "agents", ["agency_id"])
    op.create_index(op.f("ix_agents_department_id"), "agents", ["department_id"])
    op.create_table(
        "enterprises",
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("account_manager", sa.String(64), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_manager"],
            ["agents.username"],
            name=op.f("fk_enterprises_account_manager_agents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_enterprises_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_enterprises")),
    )
    op.create_index(op.f("ix_enterprises_agency_id"), "enterprises", ["agency_id"])


def _create_staff_tables() -> None:
    op.create_table(
        "agent_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent"],
            ["agents.username"],
            name=op.f("fk_agent_sessions_agent_agents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_agent_sessions_token_hash")),
    )
    op.create_index(op.f("ix_agent_sessions_agent"), "agent_sessions", ["agent"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agent", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def _create_ticket_extras() -> None:
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_queue", sa.String(96), nullable=True),
        sa.Column("to_queue", sa.String(96), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _ticket_foreign_key("ticket_notes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
    )
    op.create_index(op.f("ix_ticket_notes_ticket_id"), "ticket_notes", ["ticket_id"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(50), nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _ticket_foreign_key("contacts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_ticket_id"), "contacts", ["ticket_id"])
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _ticket_foreign_key("ratings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_ratings_ticket_id")),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("access_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_attachments_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(
        op.f("ix_attachments_conversation_id"), "attachments", ["conversation_id"]
    )


def _ticket_foreign_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["ticket_id"],
        ["handoff_tickets.id"],
        name=op.f(f"fk_{table}_ticket_id_handoff_tickets"),
        ondelete="CASCADE",
    )


_TICKET_COLUMNS = (
    "closed_by",
    "resolution",
    "assigned_at",
    "assigned_to",
    "queued_at",
    "queue",
    "agency",
)


def _add_ticket_columns() -> None:
    with op.batch_alter_table("handoff_tickets") as batch:
        batch.add_column(sa.Column("agency", sa.String(64), nullable=True))
        batch.add_column(sa.Column("queue", sa.String(96), nullable=True))
        batch.add_column(
            sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("assigned_to", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("resolution", sa.Text(), nullable=True))
        batch.add_column(sa.Column("closed_by", sa.String(64), nullable=True))
    op.create_index(
        "ix_handoff_tickets_queue_state", "handoff_tickets", ["queue", "state"]
    )
    op.create_index(
        "ix_handoff_tickets_assigned_to_state",
        "handoff_tickets",
        ["assigned_to", "state"],
    )
