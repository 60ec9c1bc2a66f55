"""Leave schema: leave types, holidays, requests, the balance ledger, audit log, directory.

Revision ID: 0001
Revises:
Create Date: 2026-01-05

Every amount of leave is stored as a signed integer number of tenths of a day (`*_tenths`
columns), so "2.5" days is 25 and no float ever carries a balance.
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# The overlap rule is an exclusion constraint over (user_id, halves). A GiST index on a uuid
# column needs the btree_gist operator classes, and creating an extension needs a superuser,
# which the service's role is not. The database bootstrap creates it, so this only checks.
REQUIRE_BTREE_GIST = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN
        RAISE EXCEPTION 'the btree_gist extension is missing in database %', current_database()
            USING HINT = 'As a superuser, run CREATE EXTENSION btree_gist; in this database, '
                         'then run the leave migrations again.';
    END IF;
END
$$;
"""

LEAVE_TYPES = """
CREATE TABLE leave_type (
    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    paid boolean NOT NULL,
    requires_approval boolean NOT NULL,
    -- Allocated in full for 1 January of every year (accrual 'yearly'); 0 for accrual 'none'.
    allowance_tenths bigint NOT NULL CHECK (allowance_tenths BETWEEN 0 AND 3660),
    accrual text NOT NULL CHECK (accrual IN ('yearly', 'none')),
    carry_over_max_tenths bigint NOT NULL DEFAULT 0
        CHECK (carry_over_max_tenths BETWEEN 0 AND 3660),
    allow_negative boolean NOT NULL,
    allow_half_day boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (accrual = 'yearly' OR allowance_tenths = 0)
);

-- Unpaid leave has no allowance and no balance limit: allow_negative lets its balance go
-- below zero, so the balance only counts the days taken.
INSERT INTO leave_type (code, name, paid, requires_approval, allowance_tenths, accrual,
                        carry_over_max_tenths, allow_negative, allow_half_day)
VALUES ('annual', 'Annual leave', true, true, 250, 'yearly', 0, false, true),
       ('sick', 'Sick leave', true, true, 100, 'yearly', 0, false, true),
       ('unpaid', 'Unpaid leave', false, true, 0, 'none', 0, true, true);
"""

HOLIDAYS = """
CREATE TABLE holiday (
    date date PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""

LEAVE_REQUESTS = """
CREATE TABLE leave_request (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL,
    user_name text NOT NULL,
    type text NOT NULL REFERENCES leave_type (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
    start_date date NOT NULL,
    end_date date NOT NULL,
    start_half text NOT NULL CHECK (start_half IN ('full', 'pm')),
    end_half text NOT NULL CHECK (end_half IN ('full', 'am')),
    days_tenths bigint NOT NULL CHECK (days_tenths > 0),
    -- Half-day ordinals [first, last + 1) of the working half days the request occupies:
    -- (date - 1970-01-01) * 2, plus 1 for an afternoon.
    halves int8range NOT NULL CHECK (NOT isempty(halves)),
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled')),
    reason text NULL,
    approver_id uuid NULL,
    decided_by uuid NULL,
    decided_at timestamptz NULL,
    note text NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (end_date >= start_date),
    CONSTRAINT leave_request_no_overlap
        EXCLUDE USING gist (user_id WITH =, halves WITH &&)
        WHERE (status IN ('pending', 'approved'))
);
CREATE INDEX leave_request_user_idx ON leave_request (user_id, created_at DESC, id DESC);
CREATE INDEX leave_request_created_idx ON leave_request (created_at DESC, id DESC);

-- The working days a request was charged for, fixed at creation: a holiday added or removed
-- later does not change the days of existing requests.
CREATE TABLE leave_request_day (
    request_id uuid NOT NULL REFERENCES leave_request (id) ON DELETE CASCADE,
    date date NOT NULL,
    -- 'full' is one day; 'am' and 'pm' are half a day.
    part text NOT NULL CHECK (part IN ('full', 'am', 'pm')),
    PRIMARY KEY (request_id, date)
);
CREATE INDEX leave_request_day_date_idx ON leave_request_day (date);
"""

BALANCE_LEDGER = """
-- One line per change of a balance. The available figure of (user_id, type, year) is the sum
-- of its lines. Kinds and their sign:
--   allocation    +  the type's yearly allowance, written once per (user, type, year)
--   request       -  the days a request charges to that year, written when it is created
--   cancellation  +  reverses a request's lines when it is rejected or cancelled
--   adjustment    +/- a correction by HR
--   carry_over    +  days brought from the previous year
--   expiry        -  carried-over days that lapsed
CREATE TABLE balance_entry (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL,
    type text NOT NULL REFERENCES leave_type (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
    year integer NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    kind text NOT NULL CHECK (kind IN ('allocation', 'request', 'cancellation', 'adjustment',
                                       'carry_over', 'expiry')),
    days_tenths bigint NOT NULL,
    request_id uuid NULL REFERENCES leave_request (id) ON DELETE RESTRICT,
    reason text NULL,
    created_by uuid NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind IN ('request', 'cancellation')) = (request_id IS NOT NULL))
);
CREATE UNIQUE INDEX balance_entry_one_allocation_idx
    ON balance_entry (user_id, type, year) WHERE kind = 'allocation';
CREATE INDEX balance_entry_balance_idx ON balance_entry (user_id, year, type);
CREATE INDEX balance_entry_request_idx ON balance_entry (request_id)
    WHERE request_id IS NOT NULL;
"""

AUDIT_LOG = """
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id uuid NULL,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    request_id text NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, created_at);
"""

# Kept from auth's directory events by the shared consumer in kronos_core.
DIRECTORY = """
CREATE TABLE directory (
    user_id uuid PRIMARY KEY,
    email text NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    manager_id uuid NULL,
    status text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX directory_manager_idx ON directory (manager_id);
CREATE TABLE directory_cursor (
    stream text PRIMARY KEY,
    last_id text NOT NULL
);
"""


def upgrade() -> None:
    op.execute(REQUIRE_BTREE_GIST)
    op.execute(LEAVE_TYPES)
    op.execute(HOLIDAYS)
    op.execute(LEAVE_REQUESTS)
    op.execute(BALANCE_LEDGER)
    op.execute(AUDIT_LOG)
    op.execute(DIRECTORY)


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE directory_cursor;
        DROP TABLE directory;
        DROP TABLE audit_log;
        DROP TABLE balance_entry;
        DROP TABLE leave_request_day;
        DROP TABLE leave_request;
        DROP TABLE holiday;
        DROP TABLE leave_type;
        """
    )
