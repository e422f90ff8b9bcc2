package sqldb

// CachedStatements reports how many prepared statements db keeps.
func (db *DB) CachedStatements() int {
	if db.stmts == nil {
		return 0
	}
	db.stmts.mu.Lock()
	defer db.stmts.mu.Unlock()
	return len(db.stmts.stmts)
}
