-- The service's tables (PostgreSQL). Kept column-for-column equal to
-- ../sqlite/0001_init.sql so the store runs the same queries on both.
-- Times are milliseconds since the Unix epoch (BIGINT): portable and easy to compare.

CREATE TABLE dossiers (
    id            TEXT PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    filename      TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    city          TEXT,
    uploaded_by   TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    latest_job    TEXT,
    verdict       TEXT,
    report_json   TEXT,
    digest_json   TEXT
);
CREATE INDEX dossiers_city ON dossiers (city);

CREATE TABLE jobs (
    id             TEXT PRIMARY KEY,
    dossier_id     TEXT NOT NULL REFERENCES dossiers (id),
    status         TEXT NOT NULL,
    stage          TEXT,
    pages_done     BIGINT NOT NULL DEFAULT 0,
    pages_total    BIGINT NOT NULL DEFAULT 0,
    enqueued_ms    BIGINT NOT NULL,
    started_ms     BIGINT,
    finished_ms    BIGINT,
    lease_until_ms BIGINT,
    worker         TEXT,
    attempts       BIGINT NOT NULL DEFAULT 0,
    completions    BIGINT NOT NULL DEFAULT 0,
    pages_ocr      BIGINT NOT NULL DEFAULT 0,
    error          TEXT
);
CREATE INDEX jobs_claim ON jobs (status, enqueued_ms);
CREATE INDEX jobs_dossier ON jobs (dossier_id);

CREATE TABLE batches (
    id            TEXT PRIMARY KEY,
    created_ms    BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    items_json    TEXT NOT NULL,
    finished_ms   BIGINT,
    findings_json TEXT
);

CREATE TABLE ocr_cache (
    key        TEXT PRIMARY KEY,
    value      BYTEA NOT NULL,
    created_ms BIGINT NOT NULL
);
