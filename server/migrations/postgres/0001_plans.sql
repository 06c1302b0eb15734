-- Plans hold no personal details: a reference, life events with triage
-- answers and an optional date, and which tasks are done.
CREATE TABLE plans (
    reference  TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE plan_events (
    reference  TEXT NOT NULL REFERENCES plans (reference) ON DELETE CASCADE,
    life_event TEXT NOT NULL,
    position   INTEGER NOT NULL,
    answers    JSONB NOT NULL,
    event_date DATE,
    PRIMARY KEY (reference, life_event)
);

CREATE TABLE plan_done (
    reference TEXT NOT NULL REFERENCES plans (reference) ON DELETE CASCADE,
    task      TEXT NOT NULL,
    done_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reference, task)
);
