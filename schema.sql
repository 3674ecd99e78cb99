-- guangdong-facts: the schema of guangdong_facts.db.
--
-- The vocabularies (kinds, qualifiers, categories, region levels) are lookup
-- tables defined here, once; build_db.py reads them from this file to
-- validate data/, and every column that takes one refers to its table, so
-- that the database itself refuses a value outside them (the build checks
-- the foreign keys of every row it writes; tests/test_schema.py tries the
-- values). Units are data: data/units.yml lists them with the words that
-- state them, the build inserts them into `units`, and every unit column
-- refers to that table in the same way. What a lookup table cannot say is
-- a CHECK: a fact's kind is a kind of fact, a target's a kind of target.
-- CHECKs compare (x = 'a' OR x = 'b'): SQLite evaluates an IN list by
-- building a table for every row it writes, several microseconds a row.
-- Every number lives in facts or targets, and every one of them has at
-- least one row in citations pointing at a line of a source.
--
-- A fact's or target's rowid, and the id of each of its citations, are
-- numbered within its fact file's own span of numbers (gdfacts/numbering.py),
-- in the order the file lists them: they change when that file changes,
-- never when another does. The rows of every other table are numbered from 1
-- in the order the build writes them.

PRAGMA foreign_keys = ON;

-- Vocabularies -------------------------------------------------------------

CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_zh     TEXT NOT NULL,
    description TEXT NOT NULL,
    stated_by   TEXT NOT NULL CHECK (stated_by = 'currency' OR stated_by = 'words' OR stated_by = 'number'
                                     OR stated_by = 'ordinal' OR stated_by = 'multiple')
) STRICT;

CREATE TABLE kinds (
    id          TEXT PRIMARY KEY,
    record      TEXT NOT NULL CHECK (record = 'fact' OR record = 'target'),
    description TEXT NOT NULL
) STRICT;

INSERT INTO kinds (id, record, description) VALUES
    ('actual', 'fact', 'An observed value for a period that has ended, as reported.'),
    ('estimate', 'fact', 'A projection or preliminary estimate, stated as such ("is projected to").'),
    ('target', 'target', 'A goal the government sets for the period.'),
    ('plan', 'target', 'A planned amount (investment, programme) for the period.');

CREATE TABLE qualifiers (
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL
) STRICT;

INSERT INTO qualifiers (id, description) VALUES
    ('exact', 'The value as stated, with no hedge (it may still be rounded by the source).'),
    ('approximately', 'Stated with "about", "around", "approximately", or a rounded restatement.'),
    ('more_than', 'A lower bound, exclusive: "more than", "over", "exceeded", "surpassed".'),
    ('at_least', 'A lower bound, inclusive: "at least", "no less than".'),
    ('less_than', 'An upper bound, exclusive: "less than", "under", "below".'),
    ('at_most', 'An upper bound, inclusive: "at most", "up to", "no more than".');

CREATE TABLE categories (
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL
) STRICT;

INSERT INTO categories (id, description) VALUES
    ('output', 'Gross domestic product and its growth and rank.'),
    ('trade', 'Imports and exports.'),
    ('industry', 'Industrial production, value added and industry clusters.'),
    ('prices', 'Consumer and producer prices.'),
    ('fiscal', 'Government budget revenue and spending.'),
    ('labour', 'Jobs and employment.'),
    ('innovation', 'Research, high-tech enterprises and technology finance.'),
    ('investment', 'Investment, planned or made.'),
    ('infrastructure', 'Networks and facilities built.'),
    ('policy', 'The structure of plans and reports.');

CREATE TABLE region_levels (
    id          TEXT PRIMARY KEY,
    description TEXT NOT NULL
) STRICT;

INSERT INTO region_levels (id, description) VALUES
    ('country', 'A country.'),
    ('province', 'A provincial-level division of China.'),
    ('city', 'A prefecture-level city (including sub-provincial cities such as Shenzhen).'),
    ('zone', 'A special zone or cooperation area without its own administrative division code.');

-- Reference lists ------------------------------------------------------------

CREATE TABLE sources (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL,
    title_is_editorial INTEGER NOT NULL CHECK (title_is_editorial BETWEEN 0 AND 1),
    title_zh           TEXT,
    publisher          TEXT,
    author             TEXT,
    published          TEXT CHECK (published IS NULL OR published GLOB '[12][0-9][0-9][0-9]*'),
    published_basis    TEXT,
    url                TEXT,
    seed_path          TEXT NOT NULL UNIQUE CHECK (seed_path GLOB 'seeds/*'),
    sha256             TEXT NOT NULL CHECK (length(sha256) = 64),
    line_count         INTEGER NOT NULL CHECK (line_count >= 1),
    data_file          TEXT NOT NULL
) STRICT;

CREATE TABLE source_lines (
    source_id TEXT NOT NULL REFERENCES sources(id),
    line      INTEGER NOT NULL CHECK (line >= 1),
    text      TEXT NOT NULL,
    PRIMARY KEY (source_id, line)
) STRICT;

CREATE TABLE regions (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    name_zh       TEXT NOT NULL,
    level         TEXT NOT NULL REFERENCES region_levels(id),
    parent_id     TEXT REFERENCES regions(id),
    division_code TEXT CHECK (division_code IS NULL OR (length(division_code) = 6 AND division_code NOT GLOB '*[^0-9]*'))
) STRICT;

CREATE TABLE indicators (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_zh     TEXT,
    description TEXT NOT NULL,
    unit        TEXT NOT NULL REFERENCES units(id),
    category    TEXT NOT NULL REFERENCES categories(id),
    better      TEXT CHECK (better IS NULL OR better = 'higher' OR better = 'lower')
) STRICT;

-- Facts, targets and their citations ----------------------------------------

CREATE TABLE facts (
    id              TEXT PRIMARY KEY,
    region_id       TEXT NOT NULL REFERENCES regions(id),
    indicator_id    TEXT NOT NULL REFERENCES indicators(id),
    period          TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]*' AND period NOT GLOB '*[^0-9QH/-]*'),
    kind            TEXT NOT NULL REFERENCES kinds(id) CHECK (kind = 'actual' OR kind = 'estimate'),
    value           REAL NOT NULL,
    value_high      REAL CHECK (value_high IS NULL OR value_high > value),
    unit            TEXT NOT NULL REFERENCES units(id),
    qualifier       TEXT NOT NULL REFERENCES qualifiers(id),
    corrected       INTEGER NOT NULL CHECK (corrected BETWEEN 0 AND 1),
    period_basis    TEXT,
    note            TEXT,
    conflicts_with  TEXT,
    data_file       TEXT NOT NULL,
    data_line       INTEGER NOT NULL
) STRICT;

CREATE TABLE targets (
    id              TEXT PRIMARY KEY,
    region_id       TEXT NOT NULL REFERENCES regions(id),
    indicator_id    TEXT NOT NULL REFERENCES indicators(id),
    period          TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]*' AND period NOT GLOB '*[^0-9QH/-]*'),
    kind            TEXT NOT NULL REFERENCES kinds(id) CHECK (kind = 'target' OR kind = 'plan'),
    value           REAL NOT NULL,
    value_high      REAL CHECK (value_high IS NULL OR value_high > value),
    unit            TEXT NOT NULL REFERENCES units(id),
    qualifier       TEXT NOT NULL REFERENCES qualifiers(id),
    corrected       INTEGER NOT NULL CHECK (corrected BETWEEN 0 AND 1),
    period_basis    TEXT,
    note            TEXT,
    conflicts_with  TEXT,
    data_file       TEXT NOT NULL,
    data_line       INTEGER NOT NULL
) STRICT;

CREATE TABLE citations (
    id                INTEGER PRIMARY KEY,
    fact_id           TEXT REFERENCES facts(id),
    target_id         TEXT REFERENCES targets(id),
    source_id         TEXT NOT NULL REFERENCES sources(id),
    line              INTEGER NOT NULL,
    quote             TEXT NOT NULL CHECK (length(quote) > 0),
    as_stated         TEXT NOT NULL CHECK (length(as_stated) > 0),
    stated_value      REAL NOT NULL,
    stated_high       REAL,
    stated_step       REAL NOT NULL CHECK (stated_step > 0),
    clause_words      TEXT,
    stated_qualifier  TEXT NOT NULL REFERENCES qualifiers(id),
    corrected         INTEGER NOT NULL CHECK (corrected BETWEEN 0 AND 1),
    correction_reason TEXT,
    correction_scale  REAL,
    CHECK ((fact_id IS NULL) <> (target_id IS NULL)),
    CHECK ((corrected = 1) = (correction_reason IS NOT NULL)),
    FOREIGN KEY (source_id, line) REFERENCES source_lines(source_id, line)
) STRICT;

-- Target outcomes -----------------------------------------------------------

-- A source's statement, in words, that a target was met or missed: one row
-- per period it covers. Its stated words are an outcome word of the lexicon.
CREATE TABLE outcome_statements (
    id           INTEGER PRIMARY KEY,
    region_id    TEXT NOT NULL REFERENCES regions(id),
    indicator_id TEXT NOT NULL REFERENCES indicators(id),
    period       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome = 'met' OR outcome = 'missed'),
    period_basis TEXT NOT NULL,
    source_id    TEXT NOT NULL REFERENCES sources(id),
    line         INTEGER NOT NULL,
    quote        TEXT NOT NULL,
    as_stated    TEXT NOT NULL,
    data_file    TEXT NOT NULL,
    data_line    INTEGER NOT NULL,
    FOREIGN KEY (source_id, line) REFERENCES source_lines(source_id, line)
) STRICT;

-- What each target accepts, and what decides it. An exact target accepts its
-- value (or range); an approximate one ("about 5 percent") what rounds to it
-- at its stated digits (4.5 to 5.5, half a step of its last digit); "more
-- than" / "at least" the value and above; "less than" / "at most" the value
-- and below (NULL: unbounded). Better higher: met by an actual at or above
-- accepts_low; better lower: at or below accepts_high. An actual that is a
-- bound decides only when the bound does.
CREATE TABLE target_status (
    target_id       TEXT PRIMARY KEY REFERENCES targets(id),
    accepts_low     REAL,
    accepts_high    REAL,
    period_end      TEXT NOT NULL,
    outcome_fact_id TEXT REFERENCES facts(id),
    statement_id    INTEGER REFERENCES outcome_statements(id),
    decision        TEXT CHECK (decision IS NULL OR decision = 'met' OR decision = 'missed' OR decision = 'undetermined')
) STRICT;

-- Relations between records, their checks and what they imply --------------
-- data/relations.yml declares the relations (gdfacts/relations/ applies them); the
-- build checks each on every region and period it finds records for, on
-- what the stated words allow: a figure stated as exact or approximate
-- stands for anything within half a step of its last digit, a bound for
-- everything beyond it. A check that fails on the corrected values fails the
-- build unless it is acknowledged, so every check here holds, is
-- undetermined (only bounds, which cannot decide), was resolved by a
-- correction (it fails on the values as stated), or is acknowledged.

CREATE TABLE relations (
    id      TEXT PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind = 'sum' OR kind = 'at_most' OR kind = 'share' OR kind = 'growth' OR kind = 'difference'
                                 OR kind = 'exchange_rate' OR kind = 'restatement'),
    members TEXT NOT NULL,   -- the indicators it relates, in words
    why     TEXT NOT NULL
) STRICT;

CREATE TABLE checks (
    id            INTEGER PRIMARY KEY,
    relation_id   TEXT NOT NULL REFERENCES relations(id),
    region_id     TEXT NOT NULL REFERENCES regions(id),
    period        TEXT NOT NULL,
    unit          TEXT NOT NULL REFERENCES units(id),
    arithmetic    TEXT NOT NULL,
    observed_low  REAL,          -- NULL: unbounded
    observed_high REAL,
    expected_low  REAL,
    expected_high REAL,
    deviation     REAL,          -- observed − expected, midpoint to midpoint; NULL when either is a bound
    tolerance     REAL,          -- what the stated digits (and a growth base's revision band) leave open: half the two widths
    verdict       TEXT NOT NULL CHECK (verdict = 'holds' OR verdict = 'undetermined' OR verdict = 'resolved_by_correction'
                                       OR verdict = 'acknowledged'),
    reason        TEXT,
    CHECK ((verdict = 'resolved_by_correction' OR verdict = 'acknowledged') = (reason IS NOT NULL))
) STRICT;

CREATE TABLE check_records (
    check_id  INTEGER NOT NULL REFERENCES checks(id),
    fact_id   TEXT REFERENCES facts(id),
    target_id TEXT REFERENCES targets(id),
    role      TEXT NOT NULL,
    CHECK ((fact_id IS NULL) <> (target_id IS NULL))
) STRICT;

CREATE TABLE derived (
    id           INTEGER PRIMARY KEY,
    relation_id  TEXT NOT NULL REFERENCES relations(id),
    region_id    TEXT NOT NULL REFERENCES regions(id),
    indicator_id TEXT NOT NULL REFERENCES indicators(id),
    period       TEXT NOT NULL,
    unit         TEXT NOT NULL REFERENCES units(id),
    low          REAL,           -- NULL: unbounded
    high         REAL,
    formula      TEXT NOT NULL,
    fact_id      TEXT REFERENCES facts(id),     -- the record it corresponds to, when there is one
    target_id    TEXT REFERENCES targets(id)
) STRICT;

CREATE TABLE derived_inputs (
    derived_id INTEGER NOT NULL REFERENCES derived(id),
    fact_id    TEXT REFERENCES facts(id),
    target_id  TEXT REFERENCES targets(id),
    role       TEXT NOT NULL,
    CHECK ((fact_id IS NULL) <> (target_id IS NULL))
) STRICT;

-- What build_db.py read: each input file and its SHA-256, and one hash of all.
CREATE TABLE build_inputs (
    path   TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64)
) STRICT;

-- version, released and license come from CITATION.cff (the dataset's
-- version and release date as its curators state them, never the clock, so
-- the same inputs build the same file); inputs_sha256 tells apart builds of
-- one version; builder and sqlite_version say what wrote the file.
CREATE TABLE build_info (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every table, view and column of this file with its description, so that the
-- file describes itself wherever it goes. The build writes it from
-- metadata.yml, the one place descriptions are written, and refuses a table
-- or column that metadata.yml does not describe.
CREATE TABLE data_dictionary (
    table_name  TEXT NOT NULL,
    column_name TEXT,              -- NULL on the row describing the table itself
    position    INTEGER NOT NULL CHECK (position >= 0),   -- 0 for the table itself, then its columns from 1
    type        TEXT,              -- the table's kind (table, view, virtual), or the column's declared type (NULL: none)
    description TEXT NOT NULL CHECK (length(trim(description)) > 0),
    PRIMARY KEY (table_name, position),
    CHECK ((position = 0) = (column_name IS NULL))
) STRICT;

-- Indexes for the common filters ---------------------------------------------
-- (build_db.py creates them once the rows are in: one sort each, not a
-- change to each index for every row)

CREATE INDEX facts_region_indicator_period ON facts (region_id, indicator_id, period);
CREATE INDEX facts_indicator_period ON facts (indicator_id, period);
CREATE INDEX facts_period ON facts (period);
CREATE INDEX facts_kind ON facts (kind);       -- facets: a count by kind, unit or corrected
CREATE INDEX facts_unit ON facts (unit);       -- reads an index, not the table
CREATE INDEX facts_corrected ON facts (corrected);
CREATE INDEX facts_qualifier ON facts (qualifier);  -- a qualifier's page counts the records it hedges
CREATE INDEX citations_stated_qualifier ON citations (stated_qualifier);
CREATE INDEX targets_region_indicator_period ON targets (region_id, indicator_id, period);
CREATE INDEX targets_indicator_period ON targets (indicator_id, period);
CREATE INDEX citations_fact ON citations (fact_id);
CREATE INDEX citations_target ON citations (target_id);
CREATE INDEX citations_source_line ON citations (source_id, line);
CREATE INDEX indicators_category ON indicators (category);
CREATE INDEX regions_parent ON regions (parent_id);
CREATE INDEX check_records_fact ON check_records (fact_id);
CREATE INDEX check_records_target ON check_records (target_id);
CREATE INDEX check_records_check ON check_records (check_id);
CREATE INDEX derived_region_indicator_period ON derived (region_id, indicator_id, period);
CREATE INDEX derived_fact ON derived (fact_id);  -- a card's derived values, and what each was derived from
CREATE INDEX derived_target ON derived (target_id);
CREATE INDEX derived_inputs_derived ON derived_inputs (derived_id);
CREATE INDEX derived_inputs_fact ON derived_inputs (fact_id);
CREATE INDEX derived_inputs_target ON derived_inputs (target_id);

-- Full-text search over quotes, notes and source lines -------------------------
-- FTS5 tables that hold the text to search, each row under the rowid of the row
-- it indexes (citations.id; the rowid of facts, targets and source_lines),
-- written by build_db.py once the content tables are complete (the published
-- database never changes). The text is shaped by gdfacts/search_text.py: the
-- original, then every run of Chinese characters cut into its substrings of up
-- to 8 characters, so that a search for 深圳 finds 深圳市经济 with the default
-- unicode61 tokenizer. facts_fts and targets_fts also hold the quotes and
-- stated words of the record's citations, one citation a line.

CREATE VIRTUAL TABLE citations_fts USING fts5 (quote, as_stated, correction_reason);

CREATE VIRTUAL TABLE facts_fts USING fts5 (id, period_basis, note, quote, as_stated);

CREATE VIRTUAL TABLE targets_fts USING fts5 (id, period_basis, note, quote, as_stated);

CREATE VIRTUAL TABLE source_lines_fts USING fts5 (text);

-- Materialized tables ------------------------------------------------------------
-- Joins that a page at a million records cannot afford to repeat on every
-- request, computed once: each table is filled by the INSERT ... SELECT that
-- follows it, which the build runs again once every record is written
-- (gdfacts/materialized.py; run here, on empty tables, it inserts nothing).
-- A statement that names :first and :last fills only the rows whose rowid is
-- a citation numbered from :first to :last: every citation when the database
-- is written whole, a changed fact file's span (gdfacts/numbering.py) when it
-- is patched; a statement without them fills its whole table each time.

-- One row per citation of every fact and target, in citation order, with the
-- record's columns beside the citation's.
CREATE TABLE evidence (
    record           TEXT NOT NULL,
    record_id        TEXT NOT NULL,
    region_id        TEXT NOT NULL,
    region           TEXT NOT NULL,
    indicator_id     TEXT NOT NULL,
    indicator        TEXT NOT NULL,
    period           TEXT NOT NULL,
    kind             TEXT NOT NULL,
    value            REAL NOT NULL,
    value_high       REAL,
    unit             TEXT NOT NULL,
    qualifier        TEXT NOT NULL,
    as_stated        TEXT NOT NULL,
    stated_value     REAL NOT NULL,
    corrected        INTEGER NOT NULL,
    note             TEXT,
    source_id        TEXT NOT NULL,
    source_path      TEXT NOT NULL,
    line             INTEGER NOT NULL,
    quote            TEXT NOT NULL,
    stated_qualifier TEXT NOT NULL,
    citation_id      INTEGER PRIMARY KEY
) STRICT;

-- Two branches, facts and targets, each read in citation order through the
-- citations' indexes.
INSERT INTO evidence
SELECT
    'fact' AS record,
    facts.id AS record_id,
    facts.region_id,
    regions.name AS region,
    facts.indicator_id,
    indicators.name AS indicator,
    facts.period,
    facts.kind,
    facts.value,
    facts.value_high,
    facts.unit,
    facts.qualifier,
    citations.as_stated,
    citations.stated_value,
    citations.corrected,
    nullif(trim(
        coalesce('Correction: ' || citations.correction_reason || ' ', '')
        || coalesce('Period: ' || facts.period_basis || '. ', '')
        || coalesce(facts.note, '')
    ), '') AS note,
    citations.source_id,
    sources.seed_path AS source_path,
    citations.line,
    citations.quote,
    citations.stated_qualifier,
    citations.id AS citation_id
FROM citations
JOIN facts ON facts.id = citations.fact_id
JOIN regions ON regions.id = facts.region_id
JOIN indicators ON indicators.id = facts.indicator_id
JOIN sources ON sources.id = citations.source_id
WHERE citations.id BETWEEN :first AND :last
ORDER BY citations.id;

INSERT INTO evidence
SELECT
    'target' AS record,
    targets.id AS record_id,
    targets.region_id,
    regions.name AS region,
    targets.indicator_id,
    indicators.name AS indicator,
    targets.period,
    targets.kind,
    targets.value,
    targets.value_high,
    targets.unit,
    targets.qualifier,
    citations.as_stated,
    citations.stated_value,
    citations.corrected,
    nullif(trim(
        coalesce('Correction: ' || citations.correction_reason || ' ', '')
        || coalesce('Period: ' || targets.period_basis || '. ', '')
        || coalesce(targets.note, '')
    ), '') AS note,
    citations.source_id,
    sources.seed_path AS source_path,
    citations.line,
    citations.quote,
    citations.stated_qualifier,
    citations.id AS citation_id
FROM citations
JOIN targets ON targets.id = citations.target_id
JOIN regions ON regions.id = targets.region_id
JOIN indicators ON indicators.id = targets.indicator_id
JOIN sources ON sources.id = citations.source_id
WHERE citations.id BETWEEN :first AND :last
ORDER BY citations.id;

-- Each target beside its outcome, every column of the target_outcomes view
-- but its status, which depends on the day it is read (see target_outcomes).
CREATE TABLE target_outcome_rows (
    target_id         TEXT PRIMARY KEY,
    region_id         TEXT NOT NULL,
    region            TEXT NOT NULL,
    indicator_id      TEXT NOT NULL,
    indicator         TEXT NOT NULL,
    period            TEXT NOT NULL,
    kind              TEXT NOT NULL,
    target_value      REAL NOT NULL,
    target_value_high REAL,
    unit              TEXT NOT NULL,
    target_qualifier  TEXT NOT NULL,
    accepts_low       REAL,
    accepts_high      REAL,
    better            TEXT,
    outcome_id        TEXT,
    outcome_value     REAL,
    outcome_qualifier TEXT,
    outcome_stated    TEXT,
    outcome_source_id TEXT,
    outcome_line      INTEGER,
    decision          TEXT,
    period_end        TEXT NOT NULL
) STRICT;

INSERT INTO target_outcome_rows
SELECT
    targets.id AS target_id,
    targets.region_id,
    regions.name AS region,
    targets.indicator_id,
    indicators.name AS indicator,
    targets.period,
    targets.kind,
    targets.value AS target_value,
    targets.value_high AS target_value_high,
    targets.unit,
    targets.qualifier AS target_qualifier,
    target_status.accepts_low,
    target_status.accepts_high,
    indicators.better,
    facts.id AS outcome_id,
    facts.value AS outcome_value,
    facts.qualifier AS outcome_qualifier,
    outcome_statements.as_stated AS outcome_stated,
    outcome_statements.source_id AS outcome_source_id,
    outcome_statements.line AS outcome_line,
    target_status.decision,
    target_status.period_end
FROM targets
JOIN target_status ON target_status.target_id = targets.id
JOIN regions ON regions.id = targets.region_id
JOIN indicators ON indicators.id = targets.indicator_id
LEFT JOIN facts ON facts.id = target_status.outcome_fact_id
LEFT JOIN outcome_statements ON outcome_statements.id = target_status.statement_id
ORDER BY targets.id;

-- What each facet of a table shows when its page shows the whole table,
-- counted once: for every column that metadata.yml makes a facet of a table,
-- the number of rows holding each of its values (plugins/counted_facets.py
-- reads them; a page that shows only some rows counts on the spot).
CREATE TABLE facet_counts (
    table_name  TEXT NOT NULL,
    column_name TEXT NOT NULL,
    value       TEXT NOT NULL,    -- as text (CAST); the column's own type says what it was
    count       INTEGER NOT NULL CHECK (count > 0),
    UNIQUE (table_name, column_name, value)
) STRICT;

CREATE INDEX evidence_record ON evidence (record_id);  -- the page's order, a record's citations
CREATE INDEX evidence_region_indicator_period ON evidence (region_id, indicator_id, period);
CREATE INDEX evidence_indicator_period ON evidence (indicator_id, period);
CREATE INDEX evidence_source_line ON evidence (source_id, line);
CREATE INDEX evidence_corrections ON evidence (source_path, line) WHERE corrected = 1;
-- a facet value chosen: its rows are counted in an index, not the table
CREATE INDEX evidence_region ON evidence (region);
CREATE INDEX evidence_indicator ON evidence (indicator);
CREATE INDEX evidence_period ON evidence (period);
CREATE INDEX evidence_kind ON evidence (kind);
CREATE INDEX evidence_unit ON evidence (unit);
CREATE INDEX evidence_corrected ON evidence (corrected);
CREATE INDEX target_outcome_rows_in_order ON target_outcome_rows (region, indicator, period, target_id);  -- targets_vs_outcomes
CREATE INDEX target_outcome_rows_region_indicator_period ON target_outcome_rows (region_id, indicator_id, period);
CREATE INDEX target_outcome_rows_outcome ON target_outcome_rows (outcome_id);
CREATE INDEX target_outcome_rows_kind ON target_outcome_rows (kind);

-- Public views ----------------------------------------------------------------

-- Each target beside its outcome. status:
--   met / missed   an actual value decides it, or a source states it in words
--                  ("missed its GDP growth target for a third consecutive year");
--   undetermined   the outcome is only a bound that cannot decide it, or the
--                  indicator has no better direction;
--   not_yet_due    no outcome in the dataset, and the period has not ended (today);
--   ended_without_outcome  no outcome in the dataset, and the period has ended.
-- The decision and what the target accepts are computed by the build
-- (gdfacts/outcomes.py, see target_status, joined in target_outcome_rows);
-- only the day is read here.
CREATE VIEW target_outcomes AS
SELECT
    target_id,
    region_id,
    region,
    indicator_id,
    indicator,
    period,
    kind,
    target_value,
    target_value_high,
    unit,
    target_qualifier,
    accepts_low,
    accepts_high,
    better,
    outcome_id,
    outcome_value,
    outcome_qualifier,
    outcome_stated,
    outcome_source_id,
    outcome_line,
    coalesce(decision,
             CASE WHEN period_end >= date('now') THEN 'not_yet_due' ELSE 'ended_without_outcome' END) AS status,
    period_end
FROM target_outcome_rows;

-- Each record beside the checks that involve it: what corroborates it, what
-- was resolved by a correction of it, and what remains acknowledged.
CREATE VIEW record_checks AS
SELECT
    coalesce(check_records.fact_id, check_records.target_id) AS record_id,
    check_records.role,
    checks.relation_id,
    relations.kind,
    checks.region_id,
    checks.period,
    checks.verdict,
    checks.arithmetic,
    checks.deviation,
    checks.tolerance,
    checks.reason,
    checks.id AS check_id
FROM check_records
JOIN checks ON checks.id = check_records.check_id
JOIN relations ON relations.id = checks.relation_id;
