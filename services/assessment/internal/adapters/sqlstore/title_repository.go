package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TitleRepository implements title.Repository: the projection of the
// catalogue. A title version never changes once stored, so each is read
// and decoded once per repository (every evaluation checks its items
// against the title: ADR 0006).
type TitleRepository struct {
	q   querier
	now func() time.Time

	mu    sync.RWMutex
	known map[[2]string]title.Title // (id, version) → decoded, never handed out
}

var _ title.Repository = (*TitleRepository)(nil)

// NewTitleRepository returns the projection on q (a *sqldb.DB, or the
// *sqldb.Tx of the consumer that records the event); now stamps the
// reception.
func NewTitleRepository(q querier, now func() time.Time) *TitleRepository {
	return &TitleRepository{q: q, now: now, known: map[[2]string]title.Title{}}
}

type titleDoc struct {
	CCPs     []ccpDoc     `json:"ccps"`
	Epreuves []epreuveDoc `json:"epreuves"`
	// The validity (R6), absent from titles projected before it was
	// announced: "YYYY-MM-DD" or empty.
	ValidFrom       string `json:"valid_from,omitempty"`
	ValidTo         string `json:"valid_to,omitempty"`
	ProlongationEnd string `json:"prolongation_end,omitempty"`
}

type ccpDoc struct {
	Code        string   `json:"code"`
	Competences []string `json:"competences"`
}

type epreuveDoc struct {
	Kind         string   `json:"kind"`
	SessionTypes []string `json:"session_types"`
	Minutes      int      `json:"minutes,omitempty"`
}

// Get implements title.Repository.
func (r *TitleRepository) Get(ctx context.Context, id, version string) (title.Title, error) {
	r.mu.RLock()
	t, ok := r.known[[2]string{id, version}]
	r.mu.RUnlock()
	if ok {
		return cloneTitle(t), nil
	}
	t, err := r.read(ctx, id, version)
	if err != nil {
		return title.Title{}, err
	}
	r.mu.Lock()
	r.known[[2]string{id, version}] = t
	r.mu.Unlock()
	return cloneTitle(t), nil
}

// cloneTitle returns a copy of t that shares no slice with it.
func cloneTitle(t title.Title) title.Title {
	c := t
	c.CCPs = slices.Clone(t.CCPs)
	for i := range c.CCPs {
		c.CCPs[i].Competences = slices.Clone(c.CCPs[i].Competences)
	}
	c.Epreuves = slices.Clone(t.Epreuves)
	for i := range c.Epreuves {
		c.Epreuves[i].SessionTypes = slices.Clone(c.Epreuves[i].SessionTypes)
	}
	return c
}

func (r *TitleRepository) read(ctx context.Context, id, version string) (title.Title, error) {
	var doc string
	err := r.q.QueryRowContext(ctx, `SELECT document FROM titles WHERE title_id = $1 AND version = $2`, id, version).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return title.Title{}, title.ErrUnknown.WithMeta("title_id", id).WithMeta("title_version", version)
	}
	if err != nil {
		return title.Title{}, fmt.Errorf("sqlstore: get title %s %s: %w", id, version, err)
	}
	var d titleDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return title.Title{}, fmt.Errorf("sqlstore: decode title %s %s: %w", id, version, err)
	}
	t := title.Title{ID: id, Version: version}
	for _, f := range []struct {
		s string
		d *civildate.Date
	}{{d.ValidFrom, &t.Validity.From}, {d.ValidTo, &t.Validity.To}, {d.ProlongationEnd, &t.Validity.ProlongationEnd}} {
		if f.s == "" {
			continue
		}
		if *f.d, err = civildate.Parse(f.s); err != nil {
			return title.Title{}, fmt.Errorf("sqlstore: decode title %s %s: %w", id, version, err)
		}
	}
	for _, c := range d.CCPs {
		t.CCPs = append(t.CCPs, title.CCP{Code: c.Code, Competences: c.Competences})
	}
	for _, e := range d.Epreuves {
		ep := title.Epreuve{Kind: title.EpreuveKind(e.Kind), Minutes: e.Minutes}
		for _, st := range e.SessionTypes {
			ep.SessionTypes = append(ep.SessionTypes, title.SessionType(st))
		}
		t.Epreuves = append(t.Epreuves, ep)
	}
	return t, nil
}

// Save implements title.Repository. A published version is immutable, so a
// version already stored is left as it is (ON CONFLICT DO NOTHING also
// makes a redelivered event harmless).
func (r *TitleRepository) Save(ctx context.Context, t title.Title) (bool, error) {
	d := titleDoc{CCPs: []ccpDoc{}, Epreuves: []epreuveDoc{},
		ValidFrom: t.Validity.From.String(), ValidTo: t.Validity.To.String(), ProlongationEnd: t.Validity.ProlongationEnd.String()}
	for _, c := range t.CCPs {
		d.CCPs = append(d.CCPs, ccpDoc{Code: c.Code, Competences: c.Competences})
	}
	for _, e := range t.Epreuves {
		doc := epreuveDoc{Kind: string(e.Kind), SessionTypes: []string{}, Minutes: e.Minutes}
		for _, st := range e.SessionTypes {
			doc.SessionTypes = append(doc.SessionTypes, string(st))
		}
		d.Epreuves = append(d.Epreuves, doc)
	}
	body, err := json.Marshal(d)
	if err != nil {
		return false, fmt.Errorf("sqlstore: encode title %s %s: %w", t.ID, t.Version, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO titles (title_id, version, document, received_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (title_id, version) DO NOTHING`, t.ID, t.Version, string(body), dbTime(r.now()))
	if err != nil {
		return false, fmt.Errorf("sqlstore: save title %s %s: %w", t.ID, t.Version, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: save title %s %s: %w", t.ID, t.Version, err)
	}
	return n == 1, nil
}
