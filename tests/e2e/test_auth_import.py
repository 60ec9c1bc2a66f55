"""CSV import of users: RFC 4180 parsing, forward manager references, per-line errors, upsert."""

import csv
import io
import uuid

import pytest

from conftest import (AUTH, EMAIL_DOMAIN, Api, User, assert_forbidden, body, change_temporary_password,
                      examples_dir, items_of, login, new_password, problem)

HEADER = "email,name,role,manager_email"


def post_csv(api: Api, token: str, text: str, bom: bool = False):
    data = ("\ufeff" if bom else "") + text
    return api.post(f"{AUTH}/users/import", token=token, data=data.encode("utf-8"),
                    headers={"Content-Type": "text/csv; charset=utf-8"})


def find_user(api: Api, token: str, email: str) -> dict:
    users = items_of(api.get(f"{AUTH}/users", token=token, params={"q": email}))
    matches = [u for u in users if u["email"].lower() == email.lower()]
    assert len(matches) == 1, f"expected one user with email {email}, found {users}"
    return matches[0]


class Org:
    """A small organisation written as import CSV, with deliberate errors on known lines."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:8]
        self.emails = {key: f"imp-{key}-{tag}@{EMAIL_DOMAIN}"
                       for key in ("boss", "lead", "dev", "quote", "comma", "hr")}

    def rows(self, dev_name: str = "Łukasz Dev") -> list[tuple[str, str, str, str]]:
        e = self.emails
        return [
            # Reports come first, so every manager_email points further down the file.
            (e["dev"], dev_name, "employee", e["lead"]),
            (e["quote"], 'Ana "Nani" Souza', "employee", e["lead"]),
            (e["comma"], "Okafor, Chidi", "employee", e["lead"]),
            (e["lead"], "Zoë Lead", "manager", e["boss"]),
            (e["hr"], "Siobhán O'Brien", "hr", e["boss"]),
            (e["boss"], "José Boss", "manager", ""),
        ]

    def bad_rows(self) -> list[tuple[str, str, str, str]]:
        tag = uuid.uuid4().hex[:8]
        return [
            ("not-an-email", "Bad Email", "employee", ""),
            (f"imp-role-{tag}@{EMAIL_DOMAIN}", "Bad Role", "overlord", ""),
            (f"imp-orphan-{tag}@{EMAIL_DOMAIN}", "Unknown Manager", "employee", f"nobody-{tag}@{EMAIL_DOMAIN}"),
        ]


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("importer_role", ["hr", "admin"])
def test_import_users_creates_with_forward_managers(api: Api, make_user, admin_token: str,
                                                    importer_role: str) -> None:
    token = admin_token if importer_role == "admin" else make_user("hr").token
    org = Org()
    good = org.rows()
    bad = org.bad_rows()
    # Line 1 is the header, so row i of the file is on line i + 2.
    rows = good[:2] + [bad[0]] + good[2:4] + [bad[1]] + good[4:] + [bad[2]]
    error_lines = {i + 2 for i, row in enumerate(rows) if row in bad}

    doc = body(post_csv(api, token, to_csv(rows), bom=True), 200)
    assert doc["created"] == len(good), doc
    assert doc["updated"] == 0, doc
    assert doc["unchanged"] == 0, doc
    assert {e["line"] for e in doc["errors"]} == error_lines, doc
    assert all(e.get("message") for e in doc["errors"]), doc
    credentials = {c["email"].lower(): c["temporary_password"] for c in doc["credentials"]}
    assert set(credentials) == {e.lower() for e in org.emails.values()}, doc

    users = {key: find_user(api, token, email) for key, email in org.emails.items()}
    assert users["dev"]["manager_id"] == users["lead"]["id"], users
    assert users["lead"]["manager_id"] == users["boss"]["id"], users
    assert users["boss"]["manager_id"] is None, users
    assert users["quote"]["name"] == 'Ana "Nani" Souza', users["quote"]
    assert users["comma"]["name"] == "Okafor, Chidi", users["comma"]
    assert users["hr"]["name"] == "Siobhán O'Brien", users["hr"]
    assert users["hr"]["role"] == "hr", users["hr"]
    assert users["dev"]["name"] == "Łukasz Dev", users["dev"]

    password = new_password()
    change_temporary_password(api, org.emails["dev"], credentials[org.emails["dev"].lower()], password)
    assert login(api, org.emails["dev"], password)["user"]["id"] == users["dev"]["id"]


def test_import_users_second_run_upserts(api: Api, admin_token: str) -> None:
    org = Org()
    body(post_csv(api, admin_token, to_csv(org.rows())), 200)

    doc = body(post_csv(api, admin_token, to_csv(org.rows(dev_name="Łukasz Renamed"))), 200)
    assert doc["created"] == 0, doc
    assert doc["updated"] == 1, doc
    assert doc["unchanged"] == len(org.rows()) - 1, doc
    assert doc["errors"] == [], doc
    assert doc["credentials"] == [], doc
    assert find_user(api, admin_token, org.emails["dev"])["name"] == "Łukasz Renamed"


def test_import_users_email_case_insensitive_upsert(api: Api, admin_token: str) -> None:
    org = Org()
    body(post_csv(api, admin_token, to_csv(org.rows())), 200)
    upper = [(r[0].upper(), r[1], r[2], r[3].upper()) for r in org.rows()]
    doc = body(post_csv(api, admin_token, to_csv(upper)), 200)
    assert doc["created"] == 0, doc
    assert doc["unchanged"] == len(upper), doc


def test_import_users_manager_cycle_line_error(api: Api, admin_token: str) -> None:
    tag = uuid.uuid4().hex[:8]
    a = f"imp-cycle-a-{tag}@{EMAIL_DOMAIN}"
    b = f"imp-cycle-b-{tag}@{EMAIL_DOMAIN}"
    doc = body(post_csv(api, admin_token, to_csv([(a, "Cycle A", "manager", b), (b, "Cycle B", "manager", a)])), 200)
    assert doc["errors"], f"a manager cycle in the file was accepted: {doc}"
    assert {e["line"] for e in doc["errors"]} <= {2, 3}, doc


def test_import_users_admin_row_by_hr_line_error(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    tag = uuid.uuid4().hex[:8]
    ok = (f"imp-ok-{tag}@{EMAIL_DOMAIN}", "Plain Employee", "employee", "")
    admin = (f"imp-admin-{tag}@{EMAIL_DOMAIN}", "Would Be Admin", "admin", "")
    doc = body(post_csv(api, hr.token, to_csv([ok, admin])), 200)
    assert doc["created"] == 1, doc
    assert [e["line"] for e in doc["errors"]] == [3], doc


def test_import_users_missing_header_rejected(api: Api, admin_token: str) -> None:
    resp = post_csv(api, admin_token, "mail,fullname\r\nx@example.com,X\r\n")
    assert resp.status_code in (400, 422), resp.text
    problem(resp, resp.status_code)


def test_import_users_wrong_content_type_unsupported(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users/import", token=admin_token, json={"email": "x"})
    problem(resp, 415)


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_import_users_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(post_csv(api, caller.token, to_csv(Org().rows())))


def test_import_users_example_org_file(api: Api, admin_token: str) -> None:
    text = (examples_dir() / "org.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) >= 48, f"examples/org.csv has {len(rows)} people"

    doc = body(post_csv(api, admin_token, text), 200)
    assert doc["errors"] == [], doc
    assert doc["created"] + doc["updated"] + doc["unchanged"] == len(rows), doc
    assert len(doc["credentials"]) == doc["created"], doc

    again = body(post_csv(api, admin_token, text), 200)
    assert again["created"] == 0, again
    assert again["unchanged"] == len(rows), again
    assert again["credentials"] == [], again

    by_email = {r["email"]: r for r in rows}
    comma_row = next(r for r in rows if "," in r["name"])
    user = find_user(api, admin_token, comma_row["email"])
    assert user["name"] == comma_row["name"], user
    manager = find_user(api, admin_token, by_email[comma_row["email"]]["manager_email"])
    assert user["manager_id"] == manager["id"], (user, manager)
