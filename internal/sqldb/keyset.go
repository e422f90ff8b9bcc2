package sqldb

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// KeysetSelect builds a filtered SELECT paged by keyset on a (time, id)
// pair, the AIP-158 paging every List method uses: rows inserted while a
// client pages never shift the pages it has read, and no offset is scanned.
// Placeholders are numbered $1, $2… in the order values are added, which both
// engines accept.
type KeysetSelect struct {
	where []string
	args  []any
}

// Arg adds a value and returns its placeholder, for conditions written by
// hand (sub-selects, IN lists).
func (k *KeysetSelect) Arg(v any) string {
	k.args = append(k.args, v)
	return "$" + strconv.Itoa(len(k.args))
}

// Where adds a condition; its placeholders come from Arg.
func (k *KeysetSelect) Where(cond string) { k.where = append(k.where, cond) }

// Equal adds "col = value" unless value is empty: an empty filter means
// "any".
func (k *KeysetSelect) Equal(col, value string) {
	if value != "" {
		k.Where(col + " = " + k.Arg(value))
	}
}

// After starts the page after the row (at, id) of the previous page. Times
// are compared as stored: UTC, to the microsecond.
func (k *KeysetSelect) After(timeCol, idCol string, at time.Time, id string) {
	t := k.Arg(Timestamp(at))
	k.Where(fmt.Sprintf("(%s > %s OR (%s = %s AND %s > %s))", timeCol, t, timeCol, t, idCol, k.Arg(id)))
}

// Build returns the query — head (SELECT … FROM …), the conditions, then
// ORDER BY timeCol, idCol and the limit — with its arguments.
func (k *KeysetSelect) Build(head, timeCol, idCol string, limit int) (string, []any) {
	query := head
	if len(k.where) > 0 {
		query += " WHERE " + strings.Join(k.where, " AND ")
	}
	query += " ORDER BY " + timeCol + ", " + idCol + " LIMIT " + k.Arg(limit)
	return query, k.args
}

// Timestamp is how times are stored: UTC, truncated to the microsecond that
// PostgreSQL keeps, so that a value reads back equal to what was written on
// both engines.
func Timestamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
