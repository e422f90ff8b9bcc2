package command

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// MaxAcknowledgementSize bounds a processing report: a passage takes a few
// hundred bytes, so 8 MiB is tens of thousands of passages.
const MaxAcknowledgementSize = 8 << 20

// Errors of the CPF deposit.
var (
	// ErrCpfDepositDenied: exporting a file and recording a report change
	// the deposit state, which is the ministry's (admin is read-only).
	ErrCpfDepositDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry may export CPF deposit files and record their reports")
	// ErrCpfReadDenied: the deposit state is read by the ministry and
	// admins.
	ErrCpfReadDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry and admins read the CPF deposit state")
	// ErrNothingToDeposit: every titre is deposited or waits for the report
	// of the file it was put in.
	ErrNothingToDeposit = apperr.New(apperr.KindFailedPrecondition, "NOTHING_TO_DEPOSIT",
		"no titre to deposit: every titre in force is deposited or waits for the report of its file")
)

// CpfDepositStore keeps the deposit state of each titre and the files
// exported (sqlstore.CpfDepositRepository).
type CpfDepositStore interface {
	States(ctx context.Context) ([]cpfdeposit.State, error)
	Save(ctx context.Context, states []cpfdeposit.State, at time.Time) error
	SaveExport(ctx context.Context, f cpfdeposit.File, states []cpfdeposit.State) error
}

// CpfDepositHandler exports CPF deposit files, records the Caisse's
// processing reports and lists the late deposits (R56).
type CpfDepositHandler struct {
	store        CpfDepositStore
	certificates certificate.Repository
	holders      holder.Repository
	titles       catalogue.Repository
	cfg          cpfdeposit.Config
	now          func() time.Time
	newID        func() (string, error)
}

// NewCpfDepositHandler returns the handler; newID makes the idFlux of each
// file (a UUID in production).
func NewCpfDepositHandler(store CpfDepositStore, certificates certificate.Repository, holders holder.Repository,
	titles catalogue.Repository, cfg cpfdeposit.Config, now func() time.Time, newID func() (string, error),
) CpfDepositHandler {
	return CpfDepositHandler{store: store, certificates: certificates, holders: holders, titles: titles,
		cfg: cfg, now: now, newID: newID}
}

// Export builds the next deposit file: the titres never deposited and those
// the Caisse rejected (cpfdeposit.ToExport), and records the file with the
// awards now waiting for its report. A titre whose holder lacks a field
// the deposit needs refuses the whole file, naming the field
// (cpfdeposit.Build): the Caisse would reject it.
func (h CpfDepositHandler) Export(ctx context.Context) (cpfdeposit.File, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return cpfdeposit.File{}, err
	}
	if !authz.Validates(p) {
		return cpfdeposit.File{}, ErrCpfDepositDenied
	}
	states, err := h.store.States(ctx)
	if err != nil {
		return cpfdeposit.File{}, err
	}
	byID := make(map[string]cpfdeposit.State, len(states))
	for _, s := range states {
		byID[s.AwardID] = s
	}
	var (
		ids    []string
		awards []cpfdeposit.Award
	)
	for _, id := range cpfdeposit.ToExport(states) {
		a, inForce, err := h.award(ctx, byID[id])
		if err != nil {
			return cpfdeposit.File{}, err
		}
		// A titre withdrawn (R59) or revoked before its deposit is not
		// sent: it stays waiting, and goes out if an appeal reforms the
		// withdrawal.
		if !inForce {
			continue
		}
		ids, awards = append(ids, id), append(awards, a)
	}
	if len(ids) == 0 {
		return cpfdeposit.File{}, ErrNothingToDeposit
	}
	fluxID, err := h.newID()
	if err != nil {
		return cpfdeposit.File{}, fmt.Errorf("command: new idFlux: %w", err)
	}
	at := h.now().UTC().Truncate(time.Second)
	content, err := cpfdeposit.Build(h.cfg, fluxID, at, awards)
	if err != nil {
		return cpfdeposit.File{}, err
	}
	f := cpfdeposit.File{FluxID: fluxID, Content: content, Awards: len(awards), ExportedBy: p.Subject, ExportedAt: at}
	if err := h.store.SaveExport(ctx, f, cpfdeposit.Exported(states, fluxID, ids)); err != nil {
		return cpfdeposit.File{}, err
	}
	return f, nil
}

// award gathers what the deposit says of one titre: the certificate, its
// title's RNCP code and the holder's identity as last registered; and
// whether the certificate is in force.
func (h CpfDepositHandler) award(ctx context.Context, s cpfdeposit.State) (cpfdeposit.Award, bool, error) {
	c, err := h.certificates.Get(ctx, certificate.Number(s.AwardID))
	if err != nil {
		return cpfdeposit.Award{}, false, fmt.Errorf("command: cpf deposit of %s: %w", s.AwardID, err)
	}
	if c.Status != certificate.Issued {
		return cpfdeposit.Award{}, false, nil
	}
	t, err := h.titles.Get(ctx, catalogue.Key{Code: c.TitleCode, Version: c.TitleVersion})
	if err != nil {
		return cpfdeposit.Award{}, false, fmt.Errorf("command: cpf deposit of %s: %w", s.AwardID, err)
	}
	hd, err := h.holders.Get(ctx, c.CandidateID)
	if err != nil {
		return cpfdeposit.Award{}, false, fmt.Errorf("command: cpf deposit of %s: %w", s.AwardID, err)
	}
	return cpfdeposit.Award{
		ID:        s.AwardID,
		RNCPID:    t.Title.RNCPID,
		AwardDate: s.AwardDate,
		ExamStart: c.JuryDate,
		ExamEnd:   c.JuryDate,
		Holder: cpfdeposit.Holder{
			BirthName: hd.BirthName,
			UsageName: hd.UsageName,
			// The deposit has room for three first names; the first
			// three in civil-status order are what the Caisse matches.
			FirstNames:       hd.GivenNames[:min(len(hd.GivenNames), 3)],
			BirthDate:        hd.BirthDate,
			Sex:              cpfdeposit.Sex(hd.Sex),
			BirthInseeCode:   hd.BirthInseeCode,
			BirthCommune:     hd.BirthCommune,
			BirthCountryCode: cpfdeposit.CountryAlpha3(hd.BirthCountryCode),
		},
	}, true, nil
}

// AcknowledgeResult is what a processing report said.
type AcknowledgeResult struct {
	FluxID              string
	Deposited, Rejected int
	// Unknown are the passage ids that lead to no tracked award.
	Unknown []string
}

// Acknowledge records the Caisse's processing report of a deposit file
// (cpfdeposit.Apply): deposited awards stay so, rejected ones go into the
// next export.
func (h CpfDepositHandler) Acknowledge(ctx context.Context, report []byte) (AcknowledgeResult, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return AcknowledgeResult{}, err
	}
	if !authz.Validates(p) {
		return AcknowledgeResult{}, ErrCpfDepositDenied
	}
	if len(report) == 0 {
		return AcknowledgeResult{}, apperr.Invalid(apperr.FieldViolation{Field: "acknowledgement_xml", Description: "is required"})
	}
	if len(report) > MaxAcknowledgementSize {
		return AcknowledgeResult{}, apperr.Invalid(apperr.FieldViolation{Field: "acknowledgement_xml", Description: "must be at most 8 MiB"})
	}
	ack, err := cpfdeposit.ParseAcknowledgement(bytes.NewReader(report))
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return AcknowledgeResult{}, err
		}
		return AcknowledgeResult{}, apperr.Invalid(apperr.FieldViolation{Field: "acknowledgement_xml",
			Description: "must be a processing report of the Caisse des dépôts (XML)"}).WithCause(err)
	}
	states, err := h.store.States(ctx)
	if err != nil {
		return AcknowledgeResult{}, err
	}
	next, unknown := cpfdeposit.Apply(states, ack)
	if err := h.store.Save(ctx, next, h.now().UTC()); err != nil {
		return AcknowledgeResult{}, err
	}
	deposited, rejected := ack.Counts()
	return AcknowledgeResult{FluxID: ack.FluxID, Deposited: deposited, Rejected: rejected, Unknown: unknown}, nil
}

// LateDeposit is a titre past the day-80 alert, with where it stands.
type LateDeposit struct {
	cpfdeposit.Alert
	FluxID  string
	Message string
}

// Late lists the titres the Caisse does not hold 80 days or more after
// their award (cpfdeposit.Overdue), on today's date in France.
func (h CpfDepositHandler) Late(ctx context.Context) ([]LateDeposit, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	if !authz.ReadsAll(p) {
		return nil, ErrCpfReadDenied
	}
	states, err := h.store.States(ctx)
	if err != nil {
		return nil, err
	}
	alerts, err := cpfdeposit.Overdue(cpfdeposit.Tracking(states), certificate.IssueDate(h.now()))
	if err != nil {
		return nil, err
	}
	byID := make(map[string]cpfdeposit.State, len(states))
	for _, s := range states {
		byID[s.AwardID] = s
	}
	out := make([]LateDeposit, 0, len(alerts))
	for _, a := range alerts {
		// A titre withdrawn (R59) or revoked is not to be deposited.
		c, err := h.certificates.Get(ctx, certificate.Number(a.AwardID))
		if err != nil && !errors.Is(err, certificate.ErrNotFound) {
			return nil, err
		}
		if err == nil && c.Status != certificate.Issued {
			continue
		}
		s := byID[a.AwardID]
		out = append(out, LateDeposit{Alert: a, FluxID: s.FluxID, Message: s.Message})
	}
	return out, nil
}
