package sqlstore

// VersionTable is the goose version table, for the upgrade test.
const VersionTable = versionTable
