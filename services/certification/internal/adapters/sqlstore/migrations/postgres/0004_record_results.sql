-- +goose Up
-- The validated results each person has a line in: what their
-- certification record shows them of the jury's decisions (R51: a result
-- reaches the person once the ministry validated it). A validation writes
-- its rows in its own transaction; the results validated before this
-- table existed are filled in here.
CREATE TABLE record_results (
    candidate_id TEXT COLLATE "C" NOT NULL,
    session_id   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (candidate_id, session_id)
);
INSERT INTO record_results (candidate_id, session_id)
SELECT DISTINCT line ->> 'candidate_id', results.session_id
FROM results, jsonb_array_elements(results.lines::jsonb) AS line
WHERE results.state = 'VALIDATED' AND line ->> 'candidate_id' <> '';

-- +goose Down
DROP TABLE record_results;
