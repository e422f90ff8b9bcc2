package sqlstore

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func insertSession(ctx context.Context, tx *sqldb.Tx, r sessionRow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (`+sessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		r.id, r.centreID, r.typ, r.titleID, r.titleVersion, r.ccps, r.site, r.start, r.end,
		r.deadline, r.state, r.version, r.createdBy, r.requestID, r.requestHash, r.createdAt, r.updatedAt)
	if err != nil {
		return fmt.Errorf("sqlstore: insert session %s: %w", r.id, err)
	}
	return nil
}

// saveSession writes the session row if its version is still readVersion;
// otherwise another change committed first and nothing is written. Site
// and dates change while planned (UpdateSession, PostponeSession).
func saveSession(ctx context.Context, tx *sqldb.Tx, r sessionRow, readVersion int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET state = $3, version = $4, updated_at = $5,
		site = $6, start_date = $7, end_date = $8, dossier_deadline = $9
		WHERE id = $1 AND version = $2`, r.id, readVersion, r.state, r.version, r.updatedAt,
		r.site, r.start, r.end, r.deadline)
	if err != nil {
		return fmt.Errorf("sqlstore: update session %s: %w", r.id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: update session %s: %w", r.id, err)
	}
	if n == 0 {
		return session.ErrConcurrentUpdate
	}
	return nil
}

// writeParts writes the rows of the session's parts that differ between
// before and after: inserts and updates as upserts, deletions for rows
// gone. Evaluations are not among them: they are aggregates of their own,
// stored by Score (ADR 0006). Parts are written in a fixed order (jurors,
// candidacies, signatures), and rows in key order, so that two
// transactions lock them in the same order.
func writeParts(ctx context.Context, tx *sqldb.Tx, before, after image) error {
	id := after.session.id
	for _, subject := range sortedKeys(before.jurors) {
		if _, ok := after.jurors[subject]; !ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM session_jurors WHERE session_id = $1 AND subject = $2`, id, subject); err != nil {
				return fmt.Errorf("sqlstore: delete juror %s: %w", subject, err)
			}
		}
	}
	for _, subject := range sortedKeys(after.jurors) {
		if j := after.jurors[subject]; j != before.jurors[subject] {
			if err := upsertJuror(ctx, tx, id, j); err != nil {
				return err
			}
		}
	}
	for _, cid := range sortedKeys(after.candidacies) {
		if c := after.candidacies[cid]; c != before.candidacies[cid] {
			if err := upsertCandidacy(ctx, tx, id, c); err != nil {
				return err
			}
		}
	}
	if err := writeFrauds(ctx, tx, id, before.frauds, after.frauds); err != nil {
		return err
	}
	// A fraud report filed after some jurors signed clears their
	// signatures (R57): the minutes drawn up again are signed anew.
	for _, subject := range sortedKeys(before.signatures) {
		if _, ok := after.signatures[subject]; !ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM minutes_signatures WHERE session_id = $1 AND juror_subject = $2`, id, subject); err != nil {
				return fmt.Errorf("sqlstore: delete signature of %s: %w", subject, err)
			}
		}
	}
	for _, subject := range sortedKeys(after.signatures) {
		s := after.signatures[subject]
		if prev, ok := before.signatures[subject]; ok {
			if prev != s {
				return fmt.Errorf("sqlstore: session %s: signature of %s changed", id, subject)
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO minutes_signatures
				(session_id, juror_subject, juror_name, content_hash, content_encoding, signed_at, seq)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, s.juror, s.name, s.hash, s.encoding, s.signedAt, s.seq); err != nil {
			return fmt.Errorf("sqlstore: insert signature of %s: %w", subject, err)
		}
	}
	return nil
}

func upsertJuror(ctx context.Context, tx *sqldb.Tx, sessionID string, j jurorRow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO session_jurors (session_id, subject, display_name, habilitation_number,
			habilitation_title_id, habilitation_valid_from, habilitation_valid_to, declared_links, assigned_at, links_declared_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (session_id, subject) DO UPDATE SET display_name = excluded.display_name,
			habilitation_number = excluded.habilitation_number, habilitation_title_id = excluded.habilitation_title_id,
			habilitation_valid_from = excluded.habilitation_valid_from, habilitation_valid_to = excluded.habilitation_valid_to,
			declared_links = excluded.declared_links, assigned_at = excluded.assigned_at,
			links_declared_at = excluded.links_declared_at`,
		sessionID, j.subject, j.name, j.habNumber, j.habTitle, j.habFrom, j.habTo, j.links, j.assignedAt, j.linksDeclaredAt)
	if err != nil {
		return fmt.Errorf("sqlstore: write juror %s: %w", j.subject, err)
	}
	return nil
}

func upsertCandidacy(ctx context.Context, tx *sqldb.Tx, sessionID string, c candidacyRow) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO candidacies (id, session_id, candidate_id, candidate_subject,
			candidate_name, training_organisation, ccp_codes, employer, dossier_snapshot_id, dossier_manifest_hash,
			dossier_submitted_at, deliberation, version, created_by, request_id, request_hash, created_at, updated_at,
			released_at, access_route, record)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT (id) DO UPDATE SET candidate_subject = excluded.candidate_subject,
			candidate_name = excluded.candidate_name, training_organisation = excluded.training_organisation,
			dossier_snapshot_id = excluded.dossier_snapshot_id, dossier_manifest_hash = excluded.dossier_manifest_hash,
			dossier_submitted_at = excluded.dossier_submitted_at, deliberation = excluded.deliberation,
			version = excluded.version, updated_at = excluded.updated_at, released_at = excluded.released_at,
			access_route = excluded.access_route, record = excluded.record`,
		c.id, sessionID, c.candidateID, c.candidateSubject, c.candidateName, c.trainingOrganisation, c.ccps, c.employer,
		c.snapshotID, c.manifestHash, c.submittedAt, c.deliberation, c.version, c.createdBy, c.requestID, c.requestHash,
		c.createdAt, c.updatedAt, c.releasedAt, c.accessRoute, c.record)
	if err != nil {
		return fmt.Errorf("sqlstore: write candidacy %s: %w", c.id, err)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
