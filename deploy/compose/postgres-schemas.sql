-- One schema per service in the one database (deploy/README.md): each
-- service's DATABASE_URL selects its own with search_path, and its
-- migrations create its tables there at start.
CREATE SCHEMA IF NOT EXISTS candidate AUTHORIZATION titrepro;
CREATE SCHEMA IF NOT EXISTS portfolio AUTHORIZATION titrepro;
CREATE SCHEMA IF NOT EXISTS assessment AUTHORIZATION titrepro;
CREATE SCHEMA IF NOT EXISTS certification AUTHORIZATION titrepro;
