package query

import (
	"context"
	"errors"
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Errors of GetRecord.
var (
	// ErrRecordNotFound reports an unknown record to callers allowed to
	// read every record.
	ErrRecordNotFound = apperr.New(apperr.KindNotFound, "RECORD_NOT_FOUND", "certification record not found")
	// ErrRecordDenied reports a caller who may not read the record. A
	// candidate gets it for an unknown record too, so that the answer does
	// not tell which candidate ids exist.
	ErrRecordDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"you may only read your own certification record")
)

// GetRecord names a person's certification record.
type GetRecord struct {
	CandidateID string
}

// Record is a person's certification record: the holder identity, the
// CCPs held (R53), the certificates issued, and the jury's decisions on
// the person's candidacies once validated (R51).
type Record struct {
	CandidateID  string
	Holder       holder.Holder
	Held         []award.HeldCcp
	Certificates []certificate.Number
	// Results are the validated results with a line of the person, each
	// holding only the person's lines and no signature: the rest of the
	// minutes is not theirs to read.
	Results []result.SessionResult
	// Progress tells, for each title version of which the person holds
	// CCPs without a titre in force, what is missing and which sessions
	// can complete it (R54).
	Progress []award.Progress
}

// GetRecordHandler reads certification records.
type GetRecordHandler struct {
	holders      holder.Repository
	records      award.Repository
	certificates certificate.Repository
	results      result.Repository
	titles       catalogue.Repository // nil: no Progress
}

// WithTitles returns h computing each record's Progress from the
// catalogue.
func (h GetRecordHandler) WithTitles(titles catalogue.Repository) GetRecordHandler {
	h.titles = titles
	return h
}

// NewGetRecordHandler returns the handler.
func NewGetRecordHandler(holders holder.Repository, records award.Repository, certificates certificate.Repository,
	results result.Repository,
) GetRecordHandler {
	return GetRecordHandler{holders: holders, records: records, certificates: certificates, results: results}
}

// Handle returns the record when the caller may read it:
//   - ministry and admin read every record; an unknown one is
//     ErrRecordNotFound;
//   - a candidate reads the record whose holder has the caller's subject;
//     any other record, known or not, is ErrRecordDenied;
//   - every other role is ErrRecordDenied.
func (h GetRecordHandler) Handle(ctx context.Context, q GetRecord) (Record, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return Record{}, err
	}
	staff := p.HasAny(auth.RoleMinistry, auth.RoleAdmin)
	if !staff && !p.Has(auth.RoleCandidate) {
		return Record{}, ErrRecordDenied
	}
	if q.CandidateID == "" {
		return Record{}, apperr.Invalid(apperr.FieldViolation{Field: "candidate_id", Description: "is required"})
	}
	hd, err := h.holders.Get(ctx, q.CandidateID)
	switch {
	case errors.Is(err, holder.ErrNotFound) && staff:
		return Record{}, ErrRecordNotFound.WithMeta("candidate_id", q.CandidateID)
	case errors.Is(err, holder.ErrNotFound):
		return Record{}, ErrRecordDenied
	case err != nil:
		return Record{}, err
	}
	if !staff && (hd.Subject == "" || hd.Subject != p.Subject) {
		return Record{}, ErrRecordDenied
	}
	held, err := h.records.HeldCcps(ctx, hd.CandidateID)
	if err != nil {
		return Record{}, err
	}
	numbers, err := h.certificates.NumbersOf(ctx, hd.CandidateID)
	if err != nil {
		return Record{}, err
	}
	validated, err := h.results.ValidatedFor(ctx, hd.CandidateID)
	if err != nil {
		return Record{}, err
	}
	for i, r := range validated {
		r.Lines, r.Signatures = r.LinesOf(hd.CandidateID), nil
		validated[i] = r
	}
	progress, err := h.progress(ctx, held, numbers)
	if err != nil {
		return Record{}, err
	}
	return Record{CandidateID: hd.CandidateID, Holder: hd, Held: held, Certificates: numbers, Results: validated, Progress: progress}, nil
}

// progress returns the Progress of each title version of held without a
// titre in force among the certificates numbers.
func (h GetRecordHandler) progress(ctx context.Context, held []award.HeldCcp, numbers []certificate.Number) ([]award.Progress, error) {
	if h.titles == nil || len(held) == 0 {
		return nil, nil
	}
	titre := map[catalogue.Key]bool{}
	for _, n := range numbers {
		c, err := h.certificates.Get(ctx, n)
		if err != nil {
			return nil, err
		}
		if c.Kind == certificate.Titre && c.Status == certificate.Issued {
			titre[catalogue.Key{Code: c.TitleCode, Version: c.TitleVersion}] = true
		}
	}
	var (
		keys []catalogue.Key
		out  []award.Progress
	)
	for _, hc := range held {
		k := catalogue.Key{Code: hc.TitleCode, Version: hc.TitleVersion}
		if !titre[k] && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		pub, err := h.titles.Get(ctx, k)
		if err != nil {
			return nil, err
		}
		if p := award.ProgressOf(k.Code, k.Version, pub.Title.CcpCodes(), held); len(p.Missing) > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}
