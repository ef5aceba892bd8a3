"""Patients' questions as the owner handles them (schema version 8: comments,
comments_pending, comment_keys, the comments. settings), through the real sqlite3 shell:
one statement to publish, reject, delete, reply or close; refusals that say what to do;
the site's revision moved only by what a page shows."""
import pytest

from test_schema import (as_fold, db, refused, rows, run_ok, seed_id, site_rev, sq,  # noqa: F401
                         value)


def question(db, article_id, body="Is it safe?", name="Ann"):
    """A question as articled stores it from the form (with its marker row)."""
    run_ok(db, as_fold("INSERT INTO comments(article_id, name, body) VALUES (%d, %s, %s);"
                       % (article_id, sq(name), sq(body))))
    return value(db, "SELECT max(id) FROM comments")


def test_a_question_waits_in_comments_pending_and_does_not_move_the_revision(db, seed_id):
    rev = site_rev(db)
    qid = question(db, seed_id)
    assert site_rev(db) == rev
    assert rows(db, "SELECT id, slug, name, body FROM comments_pending") == [
        {"id": qid, "slug": value(db, "SELECT slug FROM articles WHERE id = %d" % seed_id),
         "name": "Ann", "body": "Is it safe?"}]


def test_publishing_rejecting_and_deleting_are_one_statement_each_and_move_the_revision(db, seed_id):
    qid = question(db, seed_id)
    rev = site_rev(db)
    run_ok(db, "UPDATE comments SET status = 'published' WHERE id = %d;" % qid)
    assert site_rev(db) != rev
    assert value(db, "SELECT decided_at IS NOT NULL FROM comments WHERE id = %d" % qid) == 1
    assert rows(db, "SELECT id FROM comments_pending") == []
    rev = site_rev(db)
    run_ok(db, "UPDATE comments SET status = 'rejected' WHERE id = %d;" % qid)
    assert site_rev(db) != rev
    rev = site_rev(db)
    run_ok(db, "PRAGMA secure_delete = ON; DELETE FROM comments WHERE id = %d;" % qid)
    assert site_rev(db) == rev            # a rejected one was not on any page
    assert value(db, "SELECT count(*) FROM comments") == 0


def test_a_reply_is_one_insert_published_at_once_with_its_question(db, seed_id):
    qid = question(db, seed_id)
    rev = site_rev(db)
    run_ok(db, "INSERT INTO comments(parent_id, name, body) VALUES (%d, 'Roy', 'Yes.');" % qid)
    assert site_rev(db) != rev
    assert rows(db, "SELECT id, article_id, parent_id, status, by_clinic FROM comments "
                    "ORDER BY id") == [
        {"id": qid, "article_id": seed_id, "parent_id": None, "status": "published",
         "by_clinic": 0},
        {"id": qid + 1, "article_id": seed_id, "parent_id": qid, "status": "published",
         "by_clinic": 1}]
    # deleting the question takes its reply with it
    run_ok(db, "DELETE FROM comments WHERE id = %d;" % qid)
    assert value(db, "SELECT count(*) FROM comments") == 0


REPLY_NEEDS_PARENT = ("a reply needs parent_id, the id of the question it answers: INSERT INTO "
                      "comments(parent_id, name, body) VALUES (17, 'Roy', '...'); SELECT id, "
                      "slug, name, body FROM comments lists them")
NO_QUESTION = ("parent_id names no question: reply to a question's id (SELECT id, slug, name, "
               "body FROM comments WHERE parent_id IS NULL), not to a reply")
NOT_UTF8 = "name or body is not UTF-8 text: type it again, or save the file it came from as UTF-8"


@pytest.mark.parametrize("sql, message", [
    ("INSERT INTO comments(name, body) VALUES ('Roy', 'Hello');", REPLY_NEEDS_PARENT),
    ("INSERT INTO comments(parent_id, name, body) VALUES (999, 'Roy', 'Hello');", NO_QUESTION),
    ("INSERT INTO comments(parent_id, name, body) VALUES (@Q, 'Roy', '  ');",
     "CHECK constraint failed: body must not be empty"),
    ("INSERT INTO comments(parent_id, name, body) VALUES (@Q, 'Roy', printf('%.4001c', 'x'));",
     "CHECK constraint failed: body must be at most 4000 characters"),
    ("INSERT INTO comments(parent_id, name, body) VALUES (@Q, 'Roy', CAST(x'ff41' AS TEXT));",
     NOT_UTF8),
    ("INSERT INTO comments(parent_id, name, body) VALUES (@Q, '', 'Hello');",
     "CHECK constraint failed: name must be text of 1 to 80 characters"),
    ("UPDATE comments SET status = 'approved' WHERE id = @Q;",
     "CHECK constraint failed: status must be 'pending', 'published' or 'rejected'"),
    ("UPDATE comments SET article_id = 999 WHERE id = @Q;",
     "a comment's id, article, parent, time and author stay as they are: change status, "
     "name or body"),
    ("UPDATE articles SET comments = 'shut';",
     "CHECK constraint failed: comments must be 'open' or 'closed'"),
    ("INSERT INTO settings(key, value) VALUES ('comments.per_minute', 'lots');",
     "comments. settings: comments.open is yes or no, comments.notice at most 500 characters, "
     "comments.max_length 1 to 4000, the others a whole number like 30 (see SELECT key, "
     "default_value, about FROM setting_keys)"),
    ("INSERT INTO settings(key, value) VALUES ('comments.open', 'maybe');",
     "comments. settings: comments.open is yes or no, comments.notice at most 500 characters, "
     "comments.max_length 1 to 4000, the others a whole number like 30 (see SELECT key, "
     "default_value, about FROM setting_keys)"),
    ("INSERT INTO comment_keys(day, secret) VALUES ('2024-01-01', randomblob(16));",
     "comment_keys is articled's own (the secret of the question form): leave it alone; to "
     "void every form in pages, DELETE FROM comment_keys"),
])
def test_the_owners_mistakes_are_refused_with_what_to_do(db, seed_id, sql, message):
    qid = question(db, seed_id)
    before = rows(db, "SELECT * FROM comments")
    refused(db, sql.replace("@Q", str(qid)), message)
    assert rows(db, "SELECT * FROM comments") == before


def test_closing_one_article_and_the_whole_site_are_one_statement_each(db, seed_id):
    rev = site_rev(db)
    run_ok(db, "UPDATE articles SET comments = 'closed' WHERE id = %d;" % seed_id)
    assert site_rev(db) != rev
    run_ok(db, "INSERT INTO settings(key, value) VALUES ('comments.open', 'no');")
    assert value(db, "SELECT value FROM settings WHERE key = 'comments.open'") == "no"


def test_the_comments_settings_are_listed_with_defaults(db):
    keys = {r["key"]: r["default_value"] for r in
            rows(db, "SELECT key, default_value FROM setting_keys WHERE key GLOB 'comments.*'")}
    assert keys["comments.purge_after_days"] == "30"
    assert keys["comments.per_minute"] == "30"
    assert keys["comments.notice"].startswith("Please don't include personal medical details.")


def test_deleting_an_article_deletes_its_comments(db, seed_id):
    question(db, seed_id)
    run_ok(db, "DELETE FROM articles WHERE id = %d;" % seed_id)
    assert value(db, "SELECT count(*) FROM comments") == 0


def test_the_owner_may_delete_the_form_keys_which_moves_the_revision(db):
    run_ok(db, as_fold("INSERT INTO comment_keys(day, secret) VALUES "
                       "('2024-01-01', randomblob(16));"))
    rev = site_rev(db)
    run_ok(db, "DELETE FROM comment_keys;")
    assert site_rev(db) != rev and value(db, "SELECT count(*) FROM comment_keys") == 0
