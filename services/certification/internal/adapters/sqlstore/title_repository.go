package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// EventSource is the CloudEvents ce-source of the service's events.
const EventSource = "titrepro/certification"

// TitleRepository is the catalogue.Repository over SQL.
type TitleRepository struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ catalogue.Repository = (*TitleRepository)(nil)

// NewTitleRepository returns the repository; events go to ob, which must
// write to the same database.
func NewTitleRepository(db *sqldb.DB, ob *outbox.Outbox) *TitleRepository {
	return &TitleRepository{db: db, outbox: ob}
}

// Publish implements catalogue.Repository.
func (r *TitleRepository) Publish(ctx context.Context, now time.Time, titles ...catalogue.TitleVersion) ([]catalogue.PublishResult, error) {
	now = dbTime(now)
	var results []catalogue.PublishResult
	err := r.db.InTx(ctx, func(tx *sqldb.Tx) error {
		results = results[:0] // InTx may run this again after a conflict
		for _, t := range titles {
			res, err := r.publishOne(ctx, tx, t, now)
			if err != nil {
				return err
			}
			results = append(results, res)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// publishOne inserts t unless its (code, version) is stored. ON CONFLICT DO
// NOTHING rather than read-then-insert: on PostgreSQL a concurrent import of
// the same version waits for the first one to commit and then finds its row,
// instead of failing on the primary key.
func (r *TitleRepository) publishOne(ctx context.Context, tx *sqldb.Tx, t catalogue.TitleVersion, now time.Time) (catalogue.PublishResult, error) {
	doc, err := t.CanonicalJSON()
	if err != nil {
		return catalogue.PublishResult{}, fmt.Errorf("sqlstore: encode title %s %s: %w", t.Code, t.Version, err)
	}
	hash, err := t.ContentHash()
	if err != nil {
		return catalogue.PublishResult{}, fmt.Errorf("sqlstore: hash title %s %s: %w", t.Code, t.Version, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO title_versions
		(code, version, content_hash, document, label, published_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (code, version) DO NOTHING`,
		t.Code, t.Version, hash, string(doc), t.Label, now)
	if err != nil {
		return catalogue.PublishResult{}, fmt.Errorf("sqlstore: insert title %s %s: %w", t.Code, t.Version, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return catalogue.PublishResult{}, fmt.Errorf("sqlstore: insert title %s %s: %w", t.Code, t.Version, err)
	}
	if n == 1 {
		p := catalogue.Published{Title: t, ContentHash: hash, PublishedAt: now}
		if err := r.writeEvent(ctx, tx, p); err != nil {
			return catalogue.PublishResult{}, err
		}
		return catalogue.PublishResult{Published: p, Created: true}, nil
	}

	var (
		storedHash  string
		publishedAt time.Time
	)
	err = tx.QueryRowContext(ctx,
		`SELECT content_hash, published_at FROM title_versions WHERE code = $1 AND version = $2`,
		t.Code, t.Version).Scan(&storedHash, &publishedAt)
	if err != nil {
		return catalogue.PublishResult{}, fmt.Errorf("sqlstore: read title %s %s: %w", t.Code, t.Version, err)
	}
	if err := t.VerifyUnchanged(storedHash); err != nil {
		return catalogue.PublishResult{}, err
	}
	// Same hash, same content: t is the stored version.
	p := catalogue.Published{Title: t, ContentHash: storedHash, PublishedAt: publishedAt.UTC()}
	return catalogue.PublishResult{Published: p}, nil
}

// writeEvent records TitleVersionPublished in the outbox. The event id is
// chosen first so that the payload's event_id equals the ce-id.
func (r *TitleRepository) writeEvent(ctx context.Context, tx *sqldb.Tx, p catalogue.Published) error {
	id, err := outbox.NewID()
	if err != nil {
		return err
	}
	msg := &certificationv1.TitleVersionPublished{
		EventId:   id,
		OccurTime: timestamppb.New(p.PublishedAt),
		Title:     protoconv.Title(p),
	}
	ev, err := outbox.NewEventWithID(id, msg, EventSource, "titles/"+p.Title.Code, p.PublishedAt)
	if err != nil {
		return err
	}
	return r.outbox.Write(ctx, tx, ev)
}

// titleColumns are the columns scanTitle reads, in order.
const titleColumns = `content_hash, document, published_at`

// Get implements catalogue.Repository.
func (r *TitleRepository) Get(ctx context.Context, key catalogue.Key) (catalogue.Published, error) {
	row := r.db.QueryRowContext(ctx,
		`SELECT `+titleColumns+` FROM title_versions WHERE code = $1 AND version = $2`,
		key.Code, key.Version)
	return scanTitle(row)
}

// Latest implements catalogue.Repository.
func (r *TitleRepository) Latest(ctx context.Context, code string) (catalogue.Published, error) {
	row := r.db.QueryRowContext(ctx,
		`SELECT `+titleColumns+` FROM title_versions WHERE code = $1
		ORDER BY published_at DESC, version DESC LIMIT 1`, code)
	return scanTitle(row)
}

// List implements catalogue.Repository with a keyset on the primary key.
func (r *TitleRepository) List(ctx context.Context, after catalogue.Key, limit int) ([]catalogue.Published, error) {
	rows, err := r.db.QueryContext(ctx,
		`SELECT `+titleColumns+` FROM title_versions
		WHERE code > $1 OR (code = $1 AND version > $2)
		ORDER BY code, version LIMIT $3`,
		after.Code, after.Version, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list titles: %w", err)
	}
	defer rows.Close()
	var out []catalogue.Published
	for rows.Next() {
		p, err := scanTitle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list titles: %w", err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanTitle(s scanner) (catalogue.Published, error) {
	var (
		hash, doc   string
		publishedAt time.Time
	)
	if err := s.Scan(&hash, &doc, &publishedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return catalogue.Published{}, catalogue.ErrTitleNotFound
		}
		return catalogue.Published{}, fmt.Errorf("sqlstore: read title: %w", err)
	}
	t, err := parsedTitles.decode(hash, doc)
	if err != nil {
		return catalogue.Published{}, err
	}
	return catalogue.Published{Title: t, ContentHash: hash, PublishedAt: publishedAt.UTC()}, nil
}
