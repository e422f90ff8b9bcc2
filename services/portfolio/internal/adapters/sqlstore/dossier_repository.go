package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// DossierRepository implements dossier.Repository over sqldb.
type DossierRepository struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ dossier.Repository = (*DossierRepository)(nil)

// NewDossierRepository returns a repository on db (migrated with Migrate
// and outbox.Migrate) that writes events to ob.
func NewDossierRepository(db *sqldb.DB, ob *outbox.Outbox) *DossierRepository {
	return &DossierRepository{db: db, outbox: ob}
}

// dossierColumns are read by every dossier query, in scanDossierRow's order.
const dossierColumns = `id, candidate_id, title_id, title_version, content, version, created_at, updated_at`

// Create implements dossier.Repository. Two racing creates can both pass
// the checks; the unique indexes stop the second insert, and the create
// runs once more so that its checks see the winner and answer as for a
// retry.
func (r *DossierRepository) Create(ctx context.Context, d *dossier.Dossier, key dossier.RequestKey) (*dossier.Dossier, error) {
	for attempt := 0; ; attempt++ {
		stored, err := r.create(ctx, d, key)
		if attempt == 0 && sqldb.IsUniqueViolation(err) {
			continue
		}
		if sqldb.IsUniqueViolation(err) {
			return nil, dossier.ErrAlreadyExists.WithCause(err)
		}
		return stored, err
	}
}

func (r *DossierRepository) create(ctx context.Context, d *dossier.Dossier, key dossier.RequestKey) (*dossier.Dossier, error) {
	var stored *dossier.Dossier
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		if key.RequestID != "" {
			var id, hash string
			err := tx.QueryRowContext(ctx, `SELECT id, request_hash FROM dossiers WHERE created_by = $1 AND request_id = $2`,
				key.CreatedBy, key.RequestID).Scan(&id, &hash)
			switch {
			case err == nil && hash != key.RequestHash:
				return dossier.ErrRequestIDReused
			case err == nil:
				stored, err = get(ctx, tx, id, false)
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("sqlstore: find request: %w", err)
			}
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM dossiers WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3`,
			d.CandidateID(), d.TitleID(), d.TitleVersion()).Scan(&one)
		if err == nil {
			return dossier.ErrAlreadyExists
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: check dossier: %w", err)
		}
		content, err := encodeContent(d.Content())
		if err != nil {
			return fmt.Errorf("sqlstore: encode dossier %s: %w", d.ID(), err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO dossiers (id, candidate_id, title_id, title_version, content, version,
				created_by, request_id, request_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			d.ID(), d.CandidateID(), d.TitleID(), d.TitleVersion(), content, d.Version(),
			key.CreatedBy, key.RequestID, key.RequestHash, d.CreatedAt(), d.UpdatedAt())
		if err != nil {
			return fmt.Errorf("sqlstore: insert dossier %s: %w", d.ID(), err)
		}
		stored = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}

// Get implements dossier.Repository.
func (r *DossierRepository) Get(ctx context.Context, id string) (*dossier.Dossier, error) {
	return get(ctx, r.db, id, false)
}

// get reads a dossier with its documents; forUpdate locks its row until
// the end of the transaction on PostgreSQL (SQLite transactions of this
// service are BEGIN IMMEDIATE: writers are serialised already).
func get(ctx context.Context, q querier, id string, forUpdate bool) (*dossier.Dossier, error) {
	query := `SELECT ` + dossierColumns + ` FROM dossiers WHERE id = $1`
	if tx, ok := q.(*sqldb.Tx); forUpdate && ok && tx.Dialect == sqldb.DialectPostgres {
		query += ` FOR UPDATE`
	}
	row, err := scanDossierRow(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dossier.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: get dossier %s: %w", id, err)
	}
	docs, err := documents(ctx, q, `SELECT `+documentColumns+` FROM documents WHERE dossier_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: documents of dossier %s: %w", id, err)
	}
	return row.dossier(docs), nil
}

// dossierRow is a dossiers row before its documents are attached.
type dossierRow struct {
	id, candidateID, titleID, titleVersion string
	content                                dossier.Content
	version                                int64
	createdAt, updatedAt                   time.Time
}

func (r dossierRow) dossier(docs []dossier.Document) *dossier.Dossier {
	return dossier.UnmarshalDossierFromDatabase(r.id, r.candidateID, r.titleID, r.titleVersion, r.content,
		docs, r.version, r.createdAt, r.updatedAt)
}

func scanDossierRow(s scanner) (dossierRow, error) {
	var (
		r       dossierRow
		content string
	)
	if err := s.Scan(&r.id, &r.candidateID, &r.titleID, &r.titleVersion, &content, &r.version, &r.createdAt, &r.updatedAt); err != nil {
		return dossierRow{}, err
	}
	c, err := decodeContent(content)
	if err != nil {
		return dossierRow{}, fmt.Errorf("dossier %s: %w", r.id, err)
	}
	r.content = c
	return r, nil
}

func documents(ctx context.Context, q querier, query string, args ...any) ([]dossier.Document, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []dossier.Document
	for rows.Next() {
		doc, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, doc)
	}
	return out, rows.Err()
}

// List implements dossier.Repository with keyset paging on (created_at, id).
func (r *DossierRepository) List(ctx context.Context, q dossier.ListQuery) ([]*dossier.Dossier, error) {
	var k sqldb.KeysetSelect
	k.Equal("candidate_id", q.CandidateID)
	if q.After != nil {
		k.After("created_at", "id", q.After.CreatedAt, q.After.ID)
	}
	query, args := k.Build(`SELECT `+dossierColumns+` FROM dossiers`, "created_at", "id", q.Limit)

	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list dossiers: %w", err)
	}
	var found []dossierRow
	for rows.Next() {
		row, err := scanDossierRow(rows)
		if err != nil {
			_ = rows.Close()
			return nil, fmt.Errorf("sqlstore: list dossiers: %w", err)
		}
		found = append(found, row)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("sqlstore: list dossiers: %w", err)
	}
	out := make([]*dossier.Dossier, 0, len(found))
	for _, row := range found {
		docs, err := documents(ctx, r.db, `SELECT `+documentColumns+` FROM documents WHERE dossier_id = $1 ORDER BY created_at, id`, row.id)
		if err != nil {
			return nil, fmt.Errorf("sqlstore: documents of dossier %s: %w", row.id, err)
		}
		out = append(out, row.dossier(docs))
	}
	return out, nil
}

// Update implements dossier.Repository.
func (r *DossierRepository) Update(ctx context.Context, id string, fn func(d *dossier.Dossier) error) (*dossier.Dossier, error) {
	var updated *dossier.Dossier
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		d, err := get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		readVersion, readDocs := d.Version(), d.Documents()
		if err := fn(d); err != nil {
			return err
		}
		if d.Version() != readVersion {
			if err := save(ctx, tx, d, readVersion, readDocs); err != nil {
				return err
			}
		}
		updated = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return updated, nil
}

// save writes the dossier row and the documents that were added or
// removed (documents never change in place).
func save(ctx context.Context, tx *sqldb.Tx, d *dossier.Dossier, readVersion int64, readDocs []dossier.Document) error {
	content, err := encodeContent(d.Content())
	if err != nil {
		return fmt.Errorf("sqlstore: encode dossier %s: %w", d.ID(), err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE dossiers SET content = $3, version = $4, updated_at = $5
		WHERE id = $1 AND version = $2`, d.ID(), readVersion, content, d.Version(), d.UpdatedAt())
	if err != nil {
		return fmt.Errorf("sqlstore: update dossier %s: %w", d.ID(), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlstore: update dossier %s: %w", d.ID(), err)
	}
	if n == 0 {
		return dossier.ErrVersionConflict
	}
	now := map[string]bool{}
	for _, doc := range d.Documents() {
		now[doc.ID] = true
	}
	before := map[string]bool{}
	for _, doc := range readDocs {
		before[doc.ID] = true
		if !now[doc.ID] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE dossier_id = $1 AND id = $2`, d.ID(), doc.ID); err != nil {
				return fmt.Errorf("sqlstore: delete document %s: %w", doc.ID, err)
			}
		}
	}
	for _, doc := range d.Documents() {
		if before[doc.ID] {
			continue
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (dossier_id, id, file_name, content_type, size_bytes, sha256, kind, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			d.ID(), doc.ID, doc.FileName, doc.ContentType, doc.Size, doc.SHA256, string(doc.Kind), doc.CreatedAt)
		if err != nil {
			return fmt.Errorf("sqlstore: insert document %s: %w", doc.ID, err)
		}
	}
	return nil
}
