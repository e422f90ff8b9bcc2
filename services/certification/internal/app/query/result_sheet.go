package query

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Errors of the result sheet.
var (
	// ErrResultNotValidated: a person's results exist once the ministry
	// validated the minutes (R51).
	ErrResultNotValidated = apperr.New(apperr.KindFailedPrecondition, "RESULT_NOT_VALIDATED",
		"the ministry has not validated this session's minutes yet: the results are not final").WithRule("R51")
	// ErrSheetDenied: the caller may not read this result sheet.
	ErrSheetDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"you may read only your own results, or those of your centre's sessions")
	// ErrCandidacyNotInResult: the validated minutes have no such candidacy.
	ErrCandidacyNotInResult = apperr.New(apperr.KindNotFound, "CANDIDACY_NOT_FOUND", "no such candidacy in this session's results")
)

// ResultSheet is the fiche individuelle de résultats of one candidacy: its
// line of the validated minutes, the person, the title and what the person
// still lacks for the titre.
type ResultSheet struct {
	Result   result.SessionResult // the validated version, with only the candidacy's line
	Line     result.Line
	Holder   holder.Holder
	Title    catalogue.TitleVersion
	Progress award.Progress
}

// SheetPrinter prints a result sheet.
type SheetPrinter interface {
	ResultSheetPDF(s ResultSheet) ([]byte, error)
}

// ResultSheetHandler reads and prints result sheets.
type ResultSheetHandler struct {
	results result.Repository
	holders holder.Repository
	records award.Repository
	titles  catalogue.Repository
	printer SheetPrinter
}

// NewResultSheetHandler returns the handler.
func NewResultSheetHandler(results result.Repository, holders holder.Repository, records award.Repository,
	titles catalogue.Repository, printer SheetPrinter,
) ResultSheetHandler {
	return ResultSheetHandler{results: results, holders: holders, records: records, titles: titles, printer: printer}
}

// PDF returns the result sheet of candidacy candidacyID of session
// sessionID as a PDF document, from the last validated version of the
// minutes (R51), to the ministry and admins, the session's centre and the
// candidate themselves.
func (h ResultSheetHandler) PDF(ctx context.Context, sessionID, candidacyID string) ([]byte, error) {
	s, err := h.Sheet(ctx, sessionID, candidacyID)
	if err != nil {
		return nil, err
	}
	return h.printer.ResultSheetPDF(s)
}

// Sheet returns the result sheet (PDF's access rules).
func (h ResultSheetHandler) Sheet(ctx context.Context, sessionID, candidacyID string) (ResultSheet, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return ResultSheet{}, err
	}
	staff := p.HasAny(auth.RoleMinistry, auth.RoleAdmin)
	if !staff && !p.HasAny(auth.RoleCentre, auth.RoleCandidate) {
		return ResultSheet{}, ErrSheetDenied
	}
	var v apperr.Violations
	if strings.TrimSpace(sessionID) == "" {
		v.Add("session_id", "is required")
	}
	if strings.TrimSpace(candidacyID) == "" {
		v.Add("candidacy_id", "is required")
	}
	if len(v) > 0 {
		return ResultSheet{}, apperr.Invalid(v...)
	}
	r, err := h.results.Get(ctx, sessionID)
	switch {
	case errors.Is(err, result.ErrNotFound) && !staff:
		return ResultSheet{}, ErrSheetDenied
	case err != nil:
		return ResultSheet{}, err
	}
	i := slices.IndexFunc(r.Lines, func(l result.Line) bool { return l.CandidacyID == candidacyID })
	centre := p.Has(auth.RoleCentre) && p.Centre != "" && p.Centre == r.CentreID
	if r.ValidatedVersion > 0 && r.ValidatedVersion != r.Version {
		if r, err = h.results.Version(ctx, sessionID, r.ValidatedVersion); err != nil {
			return ResultSheet{}, err
		}
		i = slices.IndexFunc(r.Lines, func(l result.Line) bool { return l.CandidacyID == candidacyID })
	}
	if i < 0 {
		if staff || centre {
			return ResultSheet{}, ErrCandidacyNotInResult.WithMeta("candidacy_id", candidacyID)
		}
		return ResultSheet{}, ErrSheetDenied
	}
	line := r.Lines[i]
	hd, err := h.holders.Get(ctx, line.CandidateID)
	if err != nil && !errors.Is(err, holder.ErrNotFound) {
		return ResultSheet{}, err
	}
	own := p.Has(auth.RoleCandidate) && hd.Subject != "" && hd.Subject == p.Subject
	if !staff && !centre && !own {
		return ResultSheet{}, ErrSheetDenied
	}
	if r.ValidatedVersion == 0 {
		return ResultSheet{}, ErrResultNotValidated.WithMeta("session_id", sessionID)
	}
	pub, err := h.titles.Get(ctx, catalogue.Key{Code: r.TitleCode, Version: r.TitleVersion})
	if err != nil {
		return ResultSheet{}, err
	}
	held, err := h.records.HeldCcps(ctx, line.CandidateID)
	if err != nil {
		return ResultSheet{}, err
	}
	r.Lines, r.Signatures = []result.Line{line}, nil
	hd.CandidateID = line.CandidateID
	return ResultSheet{Result: r, Line: line, Holder: hd, Title: pub.Title,
		Progress: award.ProgressOf(r.TitleCode, r.TitleVersion, pub.Title.CcpCodes(), held)}, nil
}
