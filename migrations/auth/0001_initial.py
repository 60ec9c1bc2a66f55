"""Create the auth schema's tables: users, refresh token families, issued access tokens, audit log.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE users (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            -- Stored trimmed and with ASCII letters lower-cased; uniqueness is on lower(email)
            -- so that letters outside ASCII compare case-insensitively as well.
            email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
            name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            role text NOT NULL CHECK (role IN ('employee', 'manager', 'hr', 'admin')),
            manager_id uuid NULL REFERENCES users (id),
            status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
            -- argon2id in the PHC string format (libsodium crypto_pwhash_str).
            password_hash text NOT NULL,
            -- A temporary password signs in only to choose a new one.
            password_temporary boolean NOT NULL DEFAULT false,
            password_changed_at timestamptz NOT NULL DEFAULT now(),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            CONSTRAINT users_not_own_manager CHECK (manager_id IS NULL OR manager_id <> id)
        )
        """
    )
    op.execute("CREATE UNIQUE INDEX users_email_key ON users (lower(email))")
    op.execute("CREATE INDEX users_manager_idx ON users (manager_id)")
    op.execute("CREATE INDEX users_created_idx ON users (created_at, id)")
    op.execute("CREATE INDEX users_role_idx ON users (role)")

    # One family per login. Each refresh rotates the token inside the family; presenting a used
    # token revokes the whole family.
    op.execute(
        """
        CREATE TABLE refresh_families (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            revoked_at timestamptz NULL,
            revoked_reason text NULL
        )
        """
    )
    op.execute(
        "CREATE INDEX refresh_families_user_idx ON refresh_families (user_id) "
        "WHERE revoked_at IS NULL"
    )

    # Only the SHA-256 of a refresh token is stored, so a copy of the table cannot sign in.
    op.execute(
        """
        CREATE TABLE refresh_tokens (
            token_hash text PRIMARY KEY CHECK (length(token_hash) = 64),
            family_id uuid NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
            issued_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL,
            used_at timestamptz NULL
        )
        """
    )
    op.execute("CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id)")

    # Every access token issued, until it expires, so that revoking a login can put each of its
    # still-valid tokens on the Redis revocation list.
    op.execute(
        """
        CREATE TABLE access_tokens (
            jti uuid PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            family_id uuid NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
            issued_at timestamptz NOT NULL DEFAULT now(),
            expires_at timestamptz NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX access_tokens_user_idx ON access_tokens (user_id, expires_at)")
    op.execute("CREATE INDEX access_tokens_family_idx ON access_tokens (family_id)")

    op.execute(
        """
        CREATE TABLE audit_log (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            occurred_at timestamptz NOT NULL DEFAULT now(),
            actor_id uuid NULL,
            action text NOT NULL,
            subject_id uuid NULL,
            details jsonb NOT NULL DEFAULT '{}'::jsonb
        )
        """
    )
    op.execute("CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, occurred_at)")


def downgrade() -> None:
    op.execute("DROP TABLE audit_log")
    op.execute("DROP TABLE access_tokens")
    op.execute("DROP TABLE refresh_tokens")
    op.execute("DROP TABLE refresh_families")
    op.execute("DROP TABLE users")
