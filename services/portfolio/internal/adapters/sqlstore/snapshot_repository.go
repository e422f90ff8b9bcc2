package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// snapshotColumns are read by every snapshot query, in scanSnapshot's order.
const snapshotColumns = `id, dossier_id, candidate_id, session_id, candidacy_id, title_id, title_version,
	cover, content, manifest_hash, submitted_at`

// Submit implements dossier.Repository. Snapshots are inserted, never
// updated: nothing in this package can change one (R41).
func (r *DossierRepository) Submit(ctx context.Context, dossierID string, key dossier.RequestKey,
	fn func(d *dossier.Dossier) (*dossier.Snapshot, error),
) (*dossier.Snapshot, error) {
	for attempt := 0; ; attempt++ {
		s, err := r.submit(ctx, dossierID, key, fn)
		if attempt == 0 && sqldb.IsUniqueViolation(err) {
			continue // a racing retry of the same request committed first
		}
		return s, err
	}
}

func (r *DossierRepository) submit(ctx context.Context, dossierID string, key dossier.RequestKey,
	fn func(d *dossier.Dossier) (*dossier.Snapshot, error),
) (*dossier.Snapshot, error) {
	var stored *dossier.Snapshot
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		d, err := get(ctx, tx, dossierID, true)
		if err != nil {
			return err
		}
		if key.RequestID != "" {
			var id, hash string
			err := tx.QueryRowContext(ctx, `SELECT id, request_hash FROM snapshots
				WHERE dossier_id = $1 AND created_by = $2 AND request_id = $3`,
				dossierID, key.CreatedBy, key.RequestID).Scan(&id, &hash)
			switch {
			case err == nil && hash != key.RequestHash:
				return dossier.ErrRequestIDReused
			case err == nil:
				stored, err = snapshotByID(ctx, tx, dossierID, id)
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("sqlstore: find request: %w", err)
			}
		}
		s, err := fn(d)
		if err != nil {
			return err
		}
		if err := insertSnapshot(ctx, tx, s, key); err != nil {
			return err
		}
		ev, err := submittedEvent(s)
		if err != nil {
			return err
		}
		if err := r.outbox.Write(ctx, tx, ev); err != nil {
			return err
		}
		stored = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

func insertSnapshot(ctx context.Context, tx *sqldb.Tx, s *dossier.Snapshot, key dossier.RequestKey) error {
	cover, err := encodeCover(s.Cover)
	if err != nil {
		return fmt.Errorf("sqlstore: encode snapshot %s: %w", s.ID, err)
	}
	content, err := encodeContent(s.Content)
	if err != nil {
		return fmt.Errorf("sqlstore: encode snapshot %s: %w", s.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO snapshots (id, dossier_id, candidate_id, session_id, candidacy_id,
			title_id, title_version, cover, content, manifest_hash, created_by, request_id, request_hash, submitted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		s.ID, s.DossierID, s.CandidateID, s.SessionID, s.CandidacyID, s.TitleID, s.TitleVersion,
		cover, content, s.ManifestHash, key.CreatedBy, key.RequestID, key.RequestHash, s.SubmittedAt)
	if err != nil {
		return fmt.Errorf("sqlstore: insert snapshot %s: %w", s.ID, err)
	}
	for i, doc := range s.Documents {
		_, err := tx.ExecContext(ctx, `INSERT INTO snapshot_documents (snapshot_id, id, position, file_name,
				content_type, size_bytes, sha256, kind, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			s.ID, doc.ID, i, doc.FileName, doc.ContentType, doc.Size, doc.SHA256, string(doc.Kind), doc.CreatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert snapshot document %s: %w", doc.ID, err)
		}
	}
	return nil
}

// Snapshot implements dossier.Repository.
func (r *DossierRepository) Snapshot(ctx context.Context, dossierID, snapshotID string) (*dossier.Snapshot, error) {
	return snapshotByID(ctx, r.db, dossierID, snapshotID)
}

func snapshotByID(ctx context.Context, q querier, dossierID, snapshotID string) (*dossier.Snapshot, error) {
	s, err := scanSnapshot(q.QueryRowContext(ctx, `SELECT `+snapshotColumns+` FROM snapshots
		WHERE dossier_id = $1 AND id = $2`, dossierID, snapshotID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dossier.ErrSnapshotNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get snapshot %s: %w", snapshotID, err)
	}
	if err := attachDocuments(ctx, q, s); err != nil {
		return nil, err
	}
	return s, nil
}

func attachDocuments(ctx context.Context, q querier, s *dossier.Snapshot) error {
	docs, err := documents(ctx, q, `SELECT `+documentColumns+` FROM snapshot_documents WHERE snapshot_id = $1 ORDER BY position`, s.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: documents of snapshot %s: %w", s.ID, err)
	}
	s.Documents = docs
	return nil
}

func scanSnapshot(row scanner) (*dossier.Snapshot, error) {
	var (
		s              dossier.Snapshot
		cover, content string
	)
	err := row.Scan(&s.ID, &s.DossierID, &s.CandidateID, &s.SessionID, &s.CandidacyID, &s.TitleID, &s.TitleVersion,
		&cover, &content, &s.ManifestHash, &s.SubmittedAt)
	if err != nil {
		return nil, err
	}
	if s.Cover, err = decodeCover(cover); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", s.ID, err)
	}
	if s.Content, err = decodeContent(content); err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", s.ID, err)
	}
	s.SubmittedAt = s.SubmittedAt.UTC()
	return &s, nil
}

// Snapshots implements dossier.Repository with keyset paging on
// (submitted_at, id).
func (r *DossierRepository) Snapshots(ctx context.Context, q dossier.SnapshotQuery) ([]*dossier.Snapshot, error) {
	var k sqldb.KeysetSelect
	k.Equal("dossier_id", q.DossierID)
	k.Equal("candidate_id", q.CandidateID)
	k.Equal("session_id", q.SessionID)
	if len(q.ExceptCandidates) > 0 {
		marks := make([]string, len(q.ExceptCandidates))
		for i, c := range q.ExceptCandidates {
			marks[i] = k.Arg(c)
		}
		k.Where("candidate_id NOT IN (" + strings.Join(marks, ", ") + ")")
	}
	if q.After != nil {
		k.After("submitted_at", "id", q.After.CreatedAt, q.After.ID)
	}
	query, args := k.Build(`SELECT `+snapshotColumns+` FROM snapshots`, "submitted_at", "id", q.Limit)
	return r.snapshots(ctx, query, args...)
}

// SnapshotsWithDocument implements dossier.Repository.
func (r *DossierRepository) SnapshotsWithDocument(ctx context.Context, dossierID, documentID string) ([]*dossier.Snapshot, error) {
	return r.snapshots(ctx, `SELECT `+snapshotColumns+` FROM snapshots
		WHERE dossier_id = $1 AND id IN (SELECT snapshot_id FROM snapshot_documents WHERE id = $2)
		ORDER BY submitted_at, id`, dossierID, documentID)
}

func (r *DossierRepository) snapshots(ctx context.Context, query string, args ...any) ([]*dossier.Snapshot, error) {
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list snapshots: %w", err)
	}
	var out []*dossier.Snapshot
	for rows.Next() {
		s, err := scanSnapshot(rows)
		if err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("sqlstore: list snapshots: %w", err)
		}
		out = append(out, s)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlstore: list snapshots: %w", err)
	}
	for _, s := range out {
		if err := attachDocuments(ctx, r.db, s); err != nil {
			return nil, err
		}
	}
	return out, nil
}
