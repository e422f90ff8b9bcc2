-- +goose Up
-- Notifications (issue 8 §8): projections of the other contexts' events
-- that the messages need, and the mail outbox. Civil dates are
-- "YYYY-MM-DD" text; lists and minutes lines are JSON text.
CREATE TABLE notify_sessions (
    id               TEXT NOT NULL PRIMARY KEY,
    centre_id        TEXT NOT NULL,
    type             TEXT NOT NULL,            -- titre | ccp
    title_id         TEXT NOT NULL,
    title_version    TEXT NOT NULL,
    ccp_codes        TEXT NOT NULL,            -- JSON array
    start_date       TEXT NOT NULL,
    end_date         TEXT NOT NULL,
    dossier_deadline TEXT NOT NULL DEFAULT '',
    site             TEXT NOT NULL DEFAULT ''
);

CREATE TABLE notify_titles (
    title_id TEXT NOT NULL,
    version  TEXT NOT NULL,
    label    TEXT NOT NULL,
    ccps     TEXT NOT NULL,                    -- JSON array of {code, label}
    PRIMARY KEY (title_id, version)
);

CREATE TABLE notify_candidacies (
    id           TEXT NOT NULL PRIMARY KEY,
    session_id   TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    ccp_codes    TEXT NOT NULL                 -- JSON array
);
CREATE INDEX notify_candidacies_session ON notify_candidacies (session_id, id);

CREATE TABLE notify_session_jurors (
    session_id    TEXT NOT NULL,
    juror_subject TEXT NOT NULL,
    juror_name    TEXT NOT NULL,
    PRIMARY KEY (session_id, juror_subject)
);

-- A juror's address, keyed by subject (filled from the juror register's
-- events): convocations wait, held, until it is known.
CREATE TABLE notify_juror_addresses (
    juror_subject TEXT NOT NULL PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL
);

CREATE TABLE notify_minutes (
    session_id   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    jury_date    TEXT NOT NULL,
    lines        TEXT NOT NULL,                -- JSON array of lines
    PRIMARY KEY (session_id, content_hash)
);

CREATE TABLE notify_validations (
    session_id   TEXT      NOT NULL,
    minutes_hash TEXT      NOT NULL,
    event_id     TEXT      NOT NULL,
    validated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, minutes_hash)
);

-- The mail outbox: one row per message, written in the transaction of the
-- event that causes it; message_id derives from the event, the kind and the
-- recipient, so a redelivered event adds nothing. The relay sends pending
-- rows whose next_attempt_at has come (it pushes next_attempt_at forward
-- while it sends one: a lease).
CREATE TABLE mail_outbox (
    message_id      TEXT      NOT NULL PRIMARY KEY,
    event_id        TEXT      NOT NULL,
    kind            TEXT      NOT NULL,
    recipient_key   TEXT      NOT NULL,        -- candidate:<id> | juror:<subject>
    session_id      TEXT      NOT NULL DEFAULT '',
    to_address      TEXT      NOT NULL DEFAULT '', -- empty while held
    to_name         TEXT      NOT NULL DEFAULT '',
    subject         TEXT      NOT NULL,
    body_text       TEXT      NOT NULL,
    body_html       TEXT      NOT NULL DEFAULT '',
    status          TEXT      NOT NULL,        -- held | pending | sent | failed | cancelled
    attempts        INTEGER   NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error      TEXT      NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_recipient ON mail_outbox (recipient_key, status);

-- +goose Down
DROP TABLE mail_outbox;
DROP TABLE notify_validations;
DROP TABLE notify_minutes;
DROP TABLE notify_juror_addresses;
DROP TABLE notify_session_jurors;
DROP TABLE notify_candidacies;
DROP TABLE notify_titles;
DROP TABLE notify_sessions;
