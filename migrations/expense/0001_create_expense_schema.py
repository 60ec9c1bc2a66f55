"""Create the expense schema.

Tables: categories, exchange rates, claims, items, receipts, the audit log and the directory
that auth's events fill.

Revision ID: 0001
Revises:
"""

import os
import re

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Digits after the decimal point for the ISO 4217 currencies that do not use two. The service
# keeps the full table; this copy only sizes the seeded category limits.
_CURRENCY_DIGITS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

# Seeded categories: code, name, max_per_item and receipt_required_over in whole units of the
# base currency (None for no limit). Receipts are needed above 25 in every category but
# `other`, which has no receipt rule and no maximum; only meals has a maximum per item (100),
# because travel, lodging and supplies vary too much for one default. HR changes these with
# PATCH /categories/{code}.
_SEED = [
    ("travel", "Travel", None, 25),
    ("meals", "Meals", 100, 25),
    ("lodging", "Lodging", None, 25),
    ("supplies", "Supplies", None, 25),
    ("other", "Other", None, None),
]


def _base_currency() -> str:
    # The limits are stored in minor units of the deployment's base currency, so the seed
    # reads the same variable as the service.
    currency = os.environ.get("EXPENSE_BASE_CURRENCY", "EUR").strip() or "EUR"
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise RuntimeError(
            f"EXPENSE_BASE_CURRENCY must be a three-letter ISO 4217 code such as EUR, got {currency!r}"
        )
    return currency


def upgrade() -> None:
    op.execute(
        """
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
        CREATE TABLE directory_cursor (stream text PRIMARY KEY, last_id text NOT NULL);
        """
    )

    # RFC 3339 UTC timestamps in one place, so every query formats them alike.
    op.execute(
        """
        CREATE FUNCTION rfc3339(value timestamptz) RETURNS text
            LANGUAGE sql IMMUTABLE STRICT
            AS $$ SELECT to_char(value AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') $$;
        """
    )

    # Limits are integer minor units of `currency`, which is the base currency at the time
    # they were set; the service reports a mismatch with EXPENSE_BASE_CURRENCY as not ready.
    op.execute(
        """
        CREATE TABLE categories (
            code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{0,31}$'),
            name text NOT NULL,
            currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            max_per_item bigint NULL CHECK (max_per_item > 0),
            receipt_required_over bigint NULL CHECK (receipt_required_over >= 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        """
    )

    # Units of base currency per unit of `currency`, in force from rate_date until the next
    # row for the same currency. `numeric` without a scale keeps the decimals as entered.
    op.execute(
        """
        CREATE TABLE exchange_rates (
            rate_date date NOT NULL,
            currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            base_currency text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
            rate numeric NOT NULL CHECK (rate > 0),
            set_by uuid NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (rate_date, currency)
        );
        CREATE INDEX exchange_rates_currency_date_idx ON exchange_rates (currency, rate_date DESC);
        """
    )

    op.execute(
        """
        CREATE TABLE claims (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id uuid NOT NULL,
            user_name text NOT NULL,
            title text NOT NULL,
            status text NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'reimbursed')),
            base_currency text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
            approver_id uuid NULL,
            submitted_at timestamptz NULL,
            decided_by uuid NULL,
            decided_at timestamptz NULL,
            note text NULL,
            reimbursed_at timestamptz NULL,
            reference text NULL,
            version integer NOT NULL DEFAULT 1 CHECK (version > 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX claims_user_created_idx ON claims (user_id, created_at DESC, id DESC);
        CREATE INDEX claims_created_idx ON claims (created_at DESC, id DESC);
        CREATE INDEX claims_status_idx ON claims (status);
        """
    )

    # Items are added and deleted, never edited, so the conversion and the policy violations
    # recorded when an item is added stay what the approver sees.
    op.execute(
        """
        CREATE TABLE claim_items (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            claim_id uuid NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
            item_date date NOT NULL,
            category text NOT NULL REFERENCES categories (code),
            amount bigint NOT NULL CHECK (amount > 0),
            currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            rate numeric NOT NULL CHECK (rate > 0),
            amount_base bigint NOT NULL CHECK (amount_base >= 0),
            base_currency text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
            merchant text NOT NULL,
            description text NOT NULL,
            policy_violations jsonb NOT NULL DEFAULT '[]'::jsonb,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX claim_items_claim_idx ON claim_items (claim_id, item_date, created_at);
        CREATE INDEX claim_items_date_idx ON claim_items (item_date);
        """
    )

    op.execute(
        """
        CREATE TABLE receipts (
            item_id uuid PRIMARY KEY REFERENCES claim_items (id) ON DELETE CASCADE,
            media_type text NOT NULL
                CHECK (media_type IN ('image/png', 'image/jpeg', 'application/pdf')),
            sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            size_bytes integer NOT NULL CHECK (size_bytes > 0),
            content bytea NOT NULL,
            uploaded_at timestamptz NOT NULL DEFAULT now()
        );
        """
    )

    op.execute(
        """
        CREATE TABLE audit_log (
            id bigserial PRIMARY KEY,
            occurred_at timestamptz NOT NULL DEFAULT now(),
            actor_id uuid NOT NULL,
            action text NOT NULL,
            entity text NOT NULL,
            entity_id text NOT NULL,
            details jsonb NOT NULL DEFAULT '{}'::jsonb
        );
        CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, occurred_at);
        """
    )

    currency = _base_currency()
    scale = 10 ** _CURRENCY_DIGITS.get(currency, 2)
    insert = sa.text(
        "INSERT INTO categories (code, name, currency, max_per_item, receipt_required_over) "
        "VALUES (:code, :name, :currency, :max_per_item, :receipt_required_over)"
    )
    for code, name, max_per_item, receipt_over in _SEED:
        op.execute(
            insert.bindparams(
                code=code,
                name=name,
                currency=currency,
                max_per_item=None if max_per_item is None else max_per_item * scale,
                receipt_required_over=None if receipt_over is None else receipt_over * scale,
            )
        )


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE audit_log;
        DROP TABLE receipts;
        DROP TABLE claim_items;
        DROP TABLE claims;
        DROP TABLE exchange_rates;
        DROP TABLE categories;
        DROP TABLE directory_cursor;
        DROP TABLE directory;
        DROP FUNCTION rfc3339(timestamptz);
        """
    )
