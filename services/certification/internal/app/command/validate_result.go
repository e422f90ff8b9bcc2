package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Errors of ValidateResult besides those of package result.
var (
	// ErrHolderUnknown refuses a validation that would issue a certificate
	// to a person whose identity has not reached this service yet: a
	// certificate must print the holder's identity.
	ErrHolderUnknown = apperr.New(apperr.KindFailedPrecondition, "HOLDER_UNKNOWN",
		"the identity of a candidate to certify is not known to the certification service yet; retry once the candidate's registration has arrived")
	// ErrTitleNotInCatalogue refuses minutes about a title version the
	// catalogue does not have: its CCPs cannot be checked.
	ErrTitleNotInCatalogue = apperr.New(apperr.KindFailedPrecondition, "TITLE_NOT_IN_CATALOGUE",
		"the minutes are about a title version that is not in the catalogue")
)

// maxNumberDraws bounds the draws of a free certificate number. With 40
// random bits a second draw is already unlikely; a loop that keeps failing
// means a broken random source, which must not spin forever.
const maxNumberDraws = 5

// ValidateResult validates a session's signed minutes.
type ValidateResult struct {
	SessionID string
	// MinutesHash is the hash of the minutes the officer examined; empty
	// skips the comparison.
	MinutesHash string
}

// ValidateResultOutput is the validated result and the certificates the
// validation issued.
type ValidateResultOutput struct {
	Result       result.SessionResult
	Certificates []certificate.Certificate
}

// ValidateResultHandler validates results and makes the awards they give.
type ValidateResultHandler struct {
	store  ValidationStore
	signer *certificate.Signer
	now    func() time.Time
	random io.Reader
}

// NewValidateResultHandler returns the handler. random feeds certificate
// numbers: crypto/rand.Reader in production.
func NewValidateResultHandler(store ValidationStore, signer *certificate.Signer, now func() time.Time, random io.Reader) ValidateResultHandler {
	return ValidateResultHandler{store: store, signer: signer, now: now, random: random}
}

// Handle lets a ministry officer validate a session's result (R51) and, in
// the same transaction, records the CCPs obtained (R53) and issues the
// titres (R52, R54) and livrets (R52), with their events. A result is
// validated once: a second call is result.ErrAlreadyValidated and awards
// nothing.
func (h ValidateResultHandler) Handle(ctx context.Context, cmd ValidateResult) (ValidateResultOutput, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return ValidateResultOutput{}, err
	}
	if !authz.Validates(p) {
		return ValidateResultOutput{}, result.ErrValidationDenied
	}
	if strings.TrimSpace(cmd.SessionID) == "" {
		return ValidateResultOutput{}, apperr.Invalid(apperr.FieldViolation{Field: "session_id", Description: "is required"})
	}
	now := h.now().UTC().Truncate(time.Microsecond)
	var out ValidateResultOutput
	err = h.store.InValidation(ctx, func(ctx context.Context, u ValidationUnit) error {
		out = ValidateResultOutput{} // a retried transaction starts over
		r, err := u.Result(ctx, cmd.SessionID)
		if errors.Is(err, result.ErrNotFound) {
			return result.ErrMinutesNotSigned.WithMeta("session_id", cmd.SessionID)
		}
		if err != nil {
			return err
		}
		correctedVersion, correcting := r.Correction()
		if err := r.MarkValidated(p.Subject, now, cmd.MinutesHash); err != nil {
			return err
		}
		if err := u.SaveValidation(ctx, r); err != nil {
			return err
		}
		title, err := u.Title(ctx, catalogue.Key{Code: r.TitleCode, Version: r.TitleVersion})
		if errors.Is(err, catalogue.ErrTitleNotFound) {
			return ErrTitleNotInCatalogue.WithMeta("title_id", r.TitleCode).WithMeta("title_version", r.TitleVersion)
		}
		if err != nil {
			return err
		}
		if err := title.Title.CheckAwardable(civildate.Of(now)); err != nil {
			return err
		}
		events := []award.Event{award.ResultsValidated{
			SessionID: r.SessionID, CentreID: r.CentreID, TitleCode: r.TitleCode, TitleVersion: r.TitleVersion,
			JuryDate: r.JuryDate, MinutesHash: r.MinutesHash, ValidatedBy: p.Subject, At: now,
			MinutesVersion: max(r.Version, 1),
		}}
		if correcting {
			events[0] = withCorrected(events[0], correctedVersion)
			evs, certs, err := h.correct(ctx, u, r, correctedVersion, title, now)
			if err != nil {
				return err
			}
			out.Result, out.Certificates = r, certs
			return u.Publish(ctx, append(events, evs...)...)
		}
		for _, cand := range obtainedByCandidate(r) {
			cert, evs, err := h.awardCandidate(ctx, u, r, title, cand.id, cand.ccps, now)
			if err != nil {
				return err
			}
			events = append(events, evs...)
			if cert != nil {
				out.Certificates = append(out.Certificates, *cert)
			}
		}
		out.Result = r
		return u.Publish(ctx, events...)
	})
	if err != nil {
		return ValidateResultOutput{}, err
	}
	return out, nil
}

type candidateCcps struct {
	id   string
	ccps []string
}

// obtainedByCandidate merges the lines per candidate (a person is on one
// line, but the merge keeps one decision per person whatever the minutes
// say) and sorts them by candidate id: records are then locked in the same
// order by every validation, so two validations never deadlock. People who
// obtained nothing are left out: nothing is awarded to them, and their
// identity need not be known.
func obtainedByCandidate(r result.SessionResult) []candidateCcps {
	byID := map[string][]string{}
	for _, l := range r.Lines {
		for _, code := range l.Obtained() {
			if !slices.Contains(byID[l.CandidateID], code) {
				byID[l.CandidateID] = append(byID[l.CandidateID], code)
			}
		}
	}
	out := make([]candidateCcps, 0, len(byID))
	for id, ccps := range byID {
		out = append(out, candidateCcps{id: id, ccps: ccps})
	}
	slices.SortFunc(out, func(a, b candidateCcps) int { return strings.Compare(a.id, b.id) })
	return out
}

// awardCandidate applies award.Decide to one person and writes what it
// decides: the CCPs entering the record and the certificate, if any. It
// returns the certificate issued (nil for none) and the events, in order.
func (h ValidateResultHandler) awardCandidate(ctx context.Context, u ValidationUnit, r result.SessionResult,
	title catalogue.Published, candidateID string, obtained []string, now time.Time,
) (*certificate.Certificate, []award.Event, error) {
	hd, err := u.LockHolder(ctx, candidateID)
	if errors.Is(err, holder.ErrNotFound) {
		return nil, nil, ErrHolderUnknown.WithMeta("candidate_id", candidateID)
	}
	if err != nil {
		return nil, nil, err
	}
	t := title.Title
	held, err := u.HeldCcps(ctx, candidateID, t.Code, t.Version)
	if err != nil {
		return nil, nil, err
	}
	hasTitre, err := u.HasTitre(ctx, candidateID, t.Code, t.Version)
	if err != nil {
		return nil, nil, err
	}
	d, err := award.Decide(award.Situation{
		CandidateID: candidateID, TitleCode: t.Code, TitleVersion: t.Version, TitleCcps: t.CcpCodes(),
		SessionID: r.SessionID, JuryDate: r.JuryDate, Obtained: obtained, Held: held, HasTitre: hasTitre,
	})
	if err != nil {
		return nil, nil, err
	}

	var events []award.Event
	for _, nh := range d.NewlyHeld {
		added, err := u.Hold(ctx, nh, now)
		if err != nil {
			return nil, nil, err
		}
		if !added {
			// The record was read under the holder lock, so this means a
			// writer that does not take it: retry from scratch.
			return nil, nil, apperr.New(apperr.KindAborted, "RECORD_CHANGED",
				"the certification record changed during the validation; retry")
		}
		ccp, _ := t.CcpByCode(nh.CcpCode)
		events = append(events, award.CcpAwarded{Ccp: nh, Label: ccp.Label, At: now})
	}
	if d.Document == "" {
		return nil, events, nil
	}

	cert, err := h.issue(ctx, u, r, t, hd, d, now)
	if err != nil {
		return nil, nil, err
	}
	if d.Document == certificate.Titre {
		// R56: every titre is declared to the CPF; tracking starts with the
		// award, in its transaction, so that no titre escapes the deposit.
		if err := u.TrackCpfDeposit(ctx, cpfdeposit.State{AwardID: string(cert.Number), AwardDate: cert.IssueDate}, now); err != nil {
			return nil, nil, err
		}
		events = append(events, award.TitleAwarded{Certificate: cert, RNCPID: t.RNCPID})
	} else {
		events = append(events, award.LivretIssued{Certificate: cert})
	}
	return &cert, events, nil
}

// issue builds, numbers, signs and stores the certificate d calls for.
func (h ValidateResultHandler) issue(ctx context.Context, u ValidationUnit, r result.SessionResult,
	t catalogue.TitleVersion, hd holder.Holder, d award.Decision, now time.Time,
) (certificate.Certificate, error) {
	c := certificate.Certificate{
		Kind:        d.Document,
		CandidateID: hd.CandidateID,
		Holder: certificate.Holder{
			BirthName: hd.BirthName, UsageName: hd.UsageName, GivenNames: hd.GivenNames,
			BirthDate: hd.BirthDate, BirthCommune: hd.BirthCommune, BirthCountryCode: hd.BirthCountryCode,
		},
		TitleCode: t.Code, TitleVersion: t.Version, TitleLabel: t.Label, TitleLevel: t.Level,
		ByCapitalisation: d.ByCapitalisation,
		SessionID:        r.SessionID,
		JuryDate:         r.JuryDate,
		IssueDate:        certificate.IssueDate(now),
		IssuedAt:         now,
		Status:           certificate.Issued,
	}
	for _, held := range d.Held {
		ccp, _ := t.CcpByCode(held.CcpCode)
		c.Ccps = append(c.Ccps, certificate.Ccp{Code: held.CcpCode, Label: ccp.Label, SessionID: held.SessionID, JuryDate: held.JuryDate})
	}
	n, err := h.freeNumber(ctx, u, certificate.IssueYear(now))
	if err != nil {
		return certificate.Certificate{}, err
	}
	c.Number = n
	if err := h.signer.Sign(&c); err != nil {
		return certificate.Certificate{}, err
	}
	if err := u.Issue(ctx, c); err != nil {
		return certificate.Certificate{}, err
	}
	return c, nil
}

// freeNumber draws certificate numbers until one is not taken.
func (h ValidateResultHandler) freeNumber(ctx context.Context, u ValidationUnit, year int) (certificate.Number, error) {
	for range maxNumberDraws {
		n, err := certificate.NewNumber(year, h.random)
		if err != nil {
			return "", err
		}
		taken, err := u.NumberTaken(ctx, n)
		if err != nil {
			return "", err
		}
		if !taken {
			return n, nil
		}
	}
	return "", fmt.Errorf("command: no free certificate number after %d draws: is the random source broken?", maxNumberDraws)
}
